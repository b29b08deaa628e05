/**
 * Times f for faces (FaceRecognitionNet) per call: embed's forward pass, and forward + backward to
 * the input (what L_CONST costs through f(G(x))), on each backend named.
 *   npx tsx scripts/bench-face-recognition.ts [--batch 8] [--iters 5] [cpu] [wasm] [webgpu] ...
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice } from '../src/shared/config';
import { loadFaceRecognitionNet } from '../src/trainer/dtn/models/faceRecognitionWeights';
import { initBackend } from '../src/trainer/engine/backend';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} expects a positive integer, got ${value}`);
  return n;
}

/** Milliseconds per call of `fn` (awaiting its result's data), after one untimed call. */
async function time(fn: () => tf.Tensor, iters: number): Promise<number> {
  const run = async () => {
    const t = fn();
    await t.data();
    t.dispose();
  };
  await run();
  const start = performance.now();
  for (let i = 0; i < iters; i++) await run();
  return (performance.now() - start) / iters;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const batch = option(args, '--batch', 8);
  const iters = option(args, '--iters', 5);
  const backends = (args.length ? args : ['cpu', 'wasm']) as BackendChoice[];
  const [load1] = os.loadavg();
  console.log(`FaceRecognitionNet, batch ${batch}, ${iters} timed calls; ${os.cpus().length} cores, load ${load1.toFixed(2)}`);
  for (const choice of backends) {
    const engine = await initBackend(choice);
    const f = loadFaceRecognitionNet();
    const x = tf.randomUniform([batch, f.inputSize, f.inputSize, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const forward = await time(() => f.embed(x), iters);
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.square(f.embed(v as tf.Tensor4D))));
    const backward = await time(() => grad(x), iters);
    const leaked = tf.memory().numTensors - before;
    console.log(
      `${engine.backend.name} (${engine.backend.device}): forward ${forward.toFixed(0)} ms, ` +
        `forward+backward ${backward.toFixed(0)} ms per call${leaked ? `; ${leaked} tensors leaked` : ''}`,
    );
    x.dispose();
    f.params.dispose();
  }
}

void main().catch((e: unknown) => {
  console.error((e as Error).stack ?? e);
  process.exit(1);
});
