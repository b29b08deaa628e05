/**
 * The target-domain classifier that scores translations (for digits: trained on MNIST). Same conv
 * stack as the digits encoder, on the target's channels; trained once, saved, reused by every eval.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture, DtnConfig } from '../../shared/config';
import { DEFAULT_CLASSIFIER_ROOT } from '../../shared/runLayout';
import { Batcher, gather } from '../data/batcher';
import type { ImageSet } from '../data/imageSet';
import { Rng } from '../data/rng';
import { crossEntropyToClassIndices } from '../losses';
import { Encoder, NUM_CLASSES } from '../models/encoder';
import type { StateUpdates } from '../models/layers';
import { assignVariables, MANIFEST, readTensorFolder, writeTensorFolder } from '../tensorFile';
import * as fs from 'node:fs';

export interface ClassifierMeta {
  kind: 'dtn-classifier';
  architecture: Architecture;
  trainedOn: string;
  steps: number;
  testAccuracy: number;
  testCount: number;
  createdAt: string;
}

export function classifierArchitecture(config: DtnConfig): Architecture {
  const c = config.eval.classifier;
  return {
    ...config.architecture,
    sourceChannels: config.architecture.targetChannels,
    encoderWidths: c.widths,
    embeddingSize: c.embeddingSize,
  };
}

export function defaultClassifierDir(config: DtnConfig, baseDir: string): string {
  return path.resolve(baseDir, config.eval.classifier.path ?? path.join(DEFAULT_CLASSIFIER_ROOT, config.name));
}

export function classifierExists(dir: string): boolean {
  return fs.existsSync(path.join(dir, MANIFEST));
}

/** Labels for a batch of images (argmax of the logits), on running statistics. */
export async function predictLabels(model: Encoder, images: ImageSet | { images: Float32Array; count: number; height: number; width: number; channels: number }): Promise<Int32Array> {
  const per = images.height * images.width * images.channels;
  const out = new Int32Array(images.count);
  for (let i = 0; i < images.count; i += 256) {
    const n = Math.min(256, images.count - i);
    const x = tf.tensor4d(images.images.subarray(i * per, (i + n) * per), [n, images.height, images.width, images.channels]);
    const pred = tf.tidy(() => tf.argMax(model.classify(x, { training: false }), 1));
    out.set(await pred.data(), i);
    x.dispose();
    pred.dispose();
  }
  return out;
}

/**
 * Random contrast and brightness per training image. Without it, an MNIST classifier reads any
 * image whose background is not exactly black (as G's outputs are early in training) as one class,
 * and translation accuracy measures the background instead of the digit.
 */
function jitterIntensity(images: Float32Array, count: number, rng: Rng): Float32Array {
  const per = images.length / count;
  for (let n = 0; n < count; n++) {
    const contrast = rng.range(0.5, 1);
    const shift = rng.range(-0.3, 0.3) + (1 - contrast) * rng.range(-0.5, 0.5);
    for (let i = n * per; i < (n + 1) * per; i++) images[i] = Math.max(-1, Math.min(1, images[i] * contrast + shift));
  }
  return images;
}

export interface ClassifierTraining {
  model: Encoder;
  testAccuracy: number;
  testCount: number;
}

/** Trains on all but the last `testFraction` of `data`; reports accuracy on that held-out tail. */
export async function trainClassifier(
  data: ImageSet,
  arch: Architecture,
  opts: { steps: number; seed: number; batchSize?: number; testFraction?: number; onProgress?: (step: number, total: number, loss: number) => void },
): Promise<ClassifierTraining> {
  if (!data.labels) throw new Error(`${data.origin} has no labels: the classifier needs labelled target images`);
  const batch = opts.batchSize ?? 64;
  const testCount = Math.max(1, Math.floor(data.count * (opts.testFraction ?? 0.1)));
  const trainCount = data.count - testCount;
  if (trainCount < batch) throw new Error(`${data.origin}: ${data.count} images are too few to train a classifier (need ${batch + testCount})`);
  const model = new Encoder(arch, opts.seed);
  const optimizer = tf.train.adam(1e-3);
  const batcher = new Batcher(trainCount, batch, opts.seed * 15485863 + 5);
  const rng = new Rng(opts.seed * 32452843 + 7);
  for (let step = 1; step <= opts.steps; step++) {
    const idx = batcher.next();
    const x = jitterIntensity(gather(data, idx), batch, rng);
    const xt = tf.tensor4d(x, [batch, data.height, data.width, data.channels]);
    const y = tf.tensor1d(Int32Array.from(idx, (i) => data.labels![i]), 'int32');
    const updates: StateUpdates = [];
    const loss = optimizer.minimize(() => crossEntropyToClassIndices(model.classify(xt, { training: true, updates }), y), true, model.params.trainableList());
    xt.dispose();
    for (const u of updates) u();
    y.dispose();
    if (step % 10 === 0 || step === opts.steps) opts.onProgress?.(step, opts.steps, (await loss!.data())[0]);
    loss?.dispose();
  }
  optimizer.dispose();
  const per = data.height * data.width * data.channels;
  const test = { images: data.images.subarray(trainCount * per), count: testCount, height: data.height, width: data.width, channels: data.channels };
  const predicted = await predictLabels(model, test);
  let correct = 0;
  for (let i = 0; i < testCount; i++) if (predicted[i] === data.labels[trainCount + i]) correct++;
  return { model, testAccuracy: correct / testCount, testCount };
}

export async function saveClassifier(dir: string, model: Encoder, meta: Omit<ClassifierMeta, 'kind' | 'createdAt' | 'architecture'>): Promise<void> {
  await writeTensorFolder(dir, model.params.all(), { kind: 'dtn-classifier', architecture: model.arch, createdAt: new Date().toISOString(), ...meta } satisfies ClassifierMeta);
}

export function loadClassifier(dir: string): { model: Encoder; meta: ClassifierMeta } {
  if (!classifierExists(dir)) {
    throw Object.assign(new Error(`No target-domain classifier at ${dir}. Train it once: dtn train-classifier --preset <name> (or --config <file>)`), {
      fix: 'Run dtn train-classifier',
      file: dir,
    });
  }
  const { meta, tensors } = readTensorFolder<ClassifierMeta>(dir);
  if (meta?.kind !== 'dtn-classifier') throw new Error(`${dir} is not a classifier folder (kind: ${String(meta?.kind)})`);
  const model = new Encoder(meta.architecture, 0);
  assignVariables(model.params.all(), tensors, dir);
  model.params.freeze();
  return { model, meta };
}

export { NUM_CLASSES };
