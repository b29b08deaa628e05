/** Shared fixtures for the trainer tests: a tiny architecture and bitwise snapshots of variables. */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { digitsArchitecture, parseConfig, type DigitsArchitecture, type DtnConfig, type DtnConfigInput } from '../../src/shared/config';
import type { RunInfo } from '../../src/shared/runInfo';
import { Encoder } from '../../src/trainer/dtn/models/encoder';
import { initBackend } from '../../src/trainer/engine/backend';
import type { Engine } from '../../src/trainer/engine/engineContext';
import { withFlags } from '../../src/trainer/engine/flags';

/** Narrow enough that a DTN step takes ~0.1 s on the pure-JS cpu backend. */
export const TINY_ARCH = {
  encoderWidths: [4, 4, 4],
  embeddingSize: 8,
  generatorWidths: [8, 4, 4],
  discriminatorWidths: [4, 4, 4],
};

export function tinyConfig(over: Partial<DtnConfigInput> = {}): DtnConfig {
  return parseConfig({
    backend: 'cpu',
    architecture: TINY_ARCH,
    source: { kind: 'synthetic-digits', count: 8 },
    target: { kind: 'mnist-package', count: 8 },
    train: { batchSize: 4 },
    ...over,
  });
}

/**
 * An encoder whose kernels are large enough (std 0.5 instead of the 0.02 initialisation) that
 * f(x) and its gradients are far from zero, standing in for a pretrained f.
 */
export function scaledEncoder(config: DtnConfig, seed = 3): Encoder {
  const f = new Encoder(digitsArchitecture(config.architecture, 'scaledEncoder'), seed);
  let k = 0;
  for (const [name, v] of f.params.trainable) {
    if (name.endsWith('/kernel')) tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 100 + k++)));
  }
  return f;
}

export function batch(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  return tf.randomUniform(shape, -1, 1, 'float32', seed) as tf.Tensor4D;
}

/** Copies of every variable's values, by logical name. */
export function snapshot(vars: Map<string, tf.Variable>): Map<string, Float32Array> {
  return new Map([...vars].map(([k, v]) => [k, (v.dataSync() as Float32Array).slice()]));
}

export function bitwiseEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Names of variables whose values differ (in any element) between two snapshots. */
export function changedNames(before: Map<string, Float32Array>, after: Map<string, Float32Array>): string[] {
  assert.deepEqual([...after.keys()], [...before.keys()]);
  return [...before.keys()].filter((k) => !bitwiseEqual(before.get(k)!, after.get(k)!));
}

export function assertClose(actual: number, expected: number, rel = 1e-5, what = 'value'): void {
  const tol = rel * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${actual} (tolerance ${tol})`);
}

export function scalarValue(t: tf.Tensor | null): number {
  assert.ok(t, 'expected a loss tensor, got null');
  return t.dataSync()[0];
}

/**
 * A tiny `*.dtn.json` for whole runs: 6 steps of batch 4, a metrics record every step, samples
 * every 3 and a checkpoint at step 3 (and the end). f lives in `enc/` next to the file (a relative
 * path, resolved against the config's folder). 80 source images: pretraining needs 64 + held-out.
 */
export function tinyRunConfig(over: Record<string, unknown> = {}): Record<string, unknown> {
  const config: Record<string, unknown> = {
    extends: 'digits-quick',
    backend: 'cpu',
    architecture: TINY_ARCH,
    source: { kind: 'synthetic-digits', count: 80 },
    target: { kind: 'mnist-package', count: 64 },
    encoder: { path: 'enc' },
    // A few steps: the raw g (an average of so few steps is still near the random start), evaluated
    // with each checkpoint by a quick classifier.
    train: { steps: 6, batchSize: 4, logEvery: 1, sampleEvery: 3, checkpointEvery: 3 },
    eval: { count: 500, classifier: { widths: [8, 16, 32], embeddingSize: 32, steps: 500 } },
    ...over,
  };
  // Given or not, these hold unless a test sets them.
  // A constant rate: a run cut short with --steps N and resumed has the same schedule as one run whole.
  const train = { emaDecay: 0, learningRateDecay: 'none', ...(config.train as object) };
  // f learns from the tiny source, not the preset's 4,000 digits.
  const encoder = { source: { kind: 'synthetic-digits', count: 80 }, ...(config.encoder as object) };
  const evaluation = config.eval as { classifier?: object };
  return {
    ...config,
    train,
    encoder,
    eval: { every: 0, classifier: { widths: [8, 16, 32], embeddingSize: 32, steps: 500 }, ...evaluation },
  };
}

/**
 * Hooks for a suite that runs on the webgpu backend: skipped, saying why, where no WebGPU adapter
 * exists (CI installs Mesa's lavapipe so it runs there); the cpu backend is restored afterwards.
 * `ready` runs once the backend is up.
 */
export function onWebgpu(ready?: (engine: Engine) => void | Promise<void>): { engine: Engine } {
  const holder = {} as { engine: Engine };
  before(async function () {
    try {
      holder.engine = await initBackend('webgpu');
    } catch (err) {
      console.log(`      (skipped: ${(err as Error).message.split('.')[0]})`);
      return this.skip();
    }
    await ready?.(holder.engine);
  });
  after(async () => {
    await initBackend('cpu');
  });
  return holder;
}

/**
 * Runs `fn` on a webgpu engine started with DTN_STOCK_KERNELS set to `value` (the stock kernels it
 * names registered), then starts the webgpu engine again without it.
 */
export async function withStockKernels<T>(value: string, fn: (engine: Engine) => T | Promise<T>): Promise<T> {
  try {
    return await withFlags({ DTN_STOCK_KERNELS: value }, async () => fn(await initBackend('webgpu')));
  } finally {
    await initBackend('webgpu');
  }
}

/** A valid run.json. */
export function runInfo(over: Partial<RunInfo> = {}): RunInfo {
  return {
    runId: 'r',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    status: 'running',
    seed: 3,
    configHash: 'abc',
    backend: 'cpu',
    backendReason: 'requested',
    device: 'js',
    versions: { node: 'v20' },
    totalSteps: 6,
    lastStep: 0,
    resumedFrom: [],
    baseDir: '/work',
    ...over,
  };
}

/** A test config's digits networks (every test config here is a digits one). */
export function digitsArch(config: DtnConfig): DigitsArchitecture {
  return digitsArchitecture(config.architecture, 'this test');
}
