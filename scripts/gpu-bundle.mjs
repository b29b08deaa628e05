// Builds gpu-bundle/: what `dtn bench` needs on a machine that has a GPU but no Node packages
// (see README, "Benchmarks on a GPU machine"). Kept small: the bench entry bundled with tfjs, the
// `webgpu` package's loader and its linux-x64 Dawn binary, and the PyTorch anchor beside them.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const out = 'gpu-bundle';
const anchor = process.argv[2] ?? '../shared/anchors/torch_dtn_bench.py';
fs.rmSync(out, { recursive: true, force: true });
await esbuild.build({
  entryPoints: ['src/trainer/bench/benchMain.ts'],
  outfile: `${out}/bench.js`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  ignoreAnnotations: true,
  logLevel: 'warning',
  // Optional backends that are not shipped here fail over as they do anywhere they are missing.
  external: ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-wasm'],
});
const webgpu = path.dirname(fileURLToPathSafe('webgpu/package.json'));
for (const file of ['package.json', 'index.js', 'dist/linux-x64/dawn.node']) {
  const to = path.join(out, 'node_modules', 'webgpu', file);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(path.join(webgpu, file), to);
}
if (fs.existsSync(anchor)) fs.copyFileSync(anchor, path.join(out, 'torch_dtn_bench.py'));
else console.warn(`anchor ${anchor} not found: the bundle will benchmark without the PyTorch ratio`);
const size = (dir) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce((n, e) => n + (e.isDirectory() ? size(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
console.log(`${out}/: ${(size(out) / 2 ** 20).toFixed(1)} MiB`);

function fileURLToPathSafe(spec) {
  return path.resolve('node_modules', spec);
}
