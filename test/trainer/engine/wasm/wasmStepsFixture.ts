/**
 * Child process of wasmThreads.test.ts (the wasm backend starts once per process, with one thread
 * count): trains a small DTN for a few steps on `--threads <n>` with a fixed seed and prints what
 * the backend started with, each step's losses and the weights after the last step, as JSON.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Dtn, readLosses } from '../../../../src/trainer/dtn/dtn';
import { initBackend } from '../../../../src/trainer/engine/backend';
import { parseThreadsChoice } from '../../../../src/shared/threads';
import { scaledEncoder, tinyConfig } from '../../helpers';

async function main(): Promise<string> {
  const parsed = parseThreadsChoice(process.argv[2] ?? 'auto');
  if (!('threads' in parsed)) throw new Error(parsed.problem);
  const engine = await initBackend('wasm', parsed.threads);
  // Wide enough that XNNPACK splits its GEMMs and convolutions between threads.
  const config = tinyConfig({
    architecture: { encoderWidths: [16, 32, 64], embeddingSize: 32, generatorWidths: [64, 32, 16], discriminatorWidths: [16, 32, 64] },
    train: { batchSize: 8 },
  });
  const f = scaledEncoder(config, 5);
  const dtn = new Dtn(config, f);
  const losses: Record<string, number | null>[] = [];
  for (let step = 0; step < 3; step++) {
    const xs = tf.randomUniform([8, 32, 32, 3], -1, 1, 'float32', 10 + step) as tf.Tensor4D;
    const xt = tf.randomUniform([8, 32, 32, 1], -1, 1, 'float32', 20 + step) as tf.Tensor4D;
    losses.push(await readLosses(dtn.step(xs, xt)));
    tf.dispose([xs, xt]);
  }
  const weights = Object.fromEntries(
    [...dtn.g.params.trainable, ...dtn.D.params.trainable].map(([name, v]) => [name, Array.from(v.dataSync())]),
  );
  return `${JSON.stringify({ backend: engine.backend, losses, weights })}\n`;
}

// Exits once the JSON is written: a pipe takes it asynchronously.
main().then(
  (json) => process.stdout.write(json, () => process.exit(0)),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
