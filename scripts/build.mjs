// Bundles the trainer CLI (Node), the extension host (Node, `vscode` external) and the webview
// scripts (browser IIFE) with esbuild, and generates the *.dtn.json JSON Schema. Native, data and
// optional packages stay external for the trainer: they are resolved at run time, from node_modules in
// a checkout and from dist/node_modules in a packaged extension (scripts/package.mjs puts them there).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const external = ['sharp', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu', 'mnist'];
const watch = process.argv.includes('--watch');

const browser = { platform: 'browser', format: 'iife', target: 'es2022', minify: true };
const targets = [
  {
    entryPoints: ['src/trainer/cli/main.ts'],
    outfile: 'dist/trainer/cli.js',
    platform: 'node',
    format: 'cjs',
    external,
    // face-api's node-wasm build requires the whole of @tensorflow/tfjs but uses only tfjs-core's
    // ops (and its chained ops, which faceDetector registers): mapping it to tfjs-core keeps
    // layers, converter and WebGL (4 MB) out of the bundle.
    // jsonc-parser (the config check): its UMD build requires its parts at run time; its ESM build bundles whole.
    alias: { '@tensorflow/tfjs': '@tensorflow/tfjs-core', 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    banner: { js: '#!/usr/bin/env node' },
    // The wasm backend's JS is bundled, but wasmStart.ts resolves its package.json at run time on
    // purpose: to find the .wasm binaries, which the package ships beside it (scripts/package/payload.mjs).
    logOverride: { 'require-resolve-not-external': 'silent' },
  },
  // The extension host must stay light: the bundle may not pull in tfjs (checked below).
  {
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension/extension.js',
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    minify: true,
    // jsonc-parser's UMD build requires its parts at run time (not bundled); its ESM build bundles whole.
    mainFields: ['module', 'main'],
  },
  { entryPoints: ['src/webviews/dashboard/main.ts'], outfile: 'dist/webviews/dashboard.js', ...browser },
  { entryPoints: ['src/webviews/samples/main.ts'], outfile: 'dist/webviews/samples.js', ...browser },
  { entryPoints: ['src/webviews/compare/main.ts'], outfile: 'dist/webviews/compare.js', ...browser },
  { entryPoints: ['src/webviews/translate/main.ts'], outfile: 'dist/webviews/translate.js', ...browser },
  { entryPoints: ['src/webviews/experiments/main.ts'], outfile: 'dist/webviews/experiments.js', ...browser },
  // The integration suite (not packaged): run in an extension host, it resolves mocha from node_modules.
  {
    entryPoints: ['test/integration/index.ts'],
    outfile: 'out/integration/index.js',
    platform: 'node',
    format: 'cjs',
    external: ['vscode', 'mocha'],
  },
];

for (const t of targets) {
  // tfjs backends register themselves on import from files their sideEffects lists omit.
  const options = { bundle: true, sourcemap: true, target: 'node20', logLevel: 'warning', ignoreAnnotations: true, metafile: !watch, ...t };
  if (watch) {
    await (await esbuild.context(options)).watch();
    continue;
  }
  const result = await esbuild.build(options);
  if (t.outfile === 'dist/extension/extension.js') {
    const heavy = Object.keys(result.metafile.inputs).filter((f) => /@tensorflow|src\/trainer\//.test(f));
    if (heavy.length) throw new Error(`the extension host bundle must not include the trainer or tfjs:\n  ${heavy.join('\n  ')}`);
  }
}

// *.dtn.json JSON Schema from the zod config schema (the single source of truth).
const tmp = 'dist/.build/configJsonSchema.mjs';
await esbuild.build({
  entryPoints: ['src/shared/configJsonSchema.ts'],
  outfile: tmp,
  bundle: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'warning',
});
const { dtnConfigJsonSchema } = await import(`${pathToFileURL(path.resolve(tmp)).href}?t=${Date.now()}`);
fs.mkdirSync('dist/schemas', { recursive: true });
fs.writeFileSync('dist/schemas/dtn-config.schema.json', `${JSON.stringify(dtnConfigJsonSchema(), null, 2)}\n`);
fs.rmSync('dist/.build', { recursive: true, force: true });
