/**
 * `dtn pretrain-f`: trains the digit classifier whose penultimate layer is f, on labelled source
 * images, and saves it as the encoder `dtn train` loads.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice, DtnConfig } from '../shared/config';
import type { TrainerMessage } from '../shared/protocol';
import { initBackend } from './backend';
import { Batcher, gather } from './data/batcher';
import type { ImageSet } from './data/imageSet';
import { loadDataSpec } from './data/loadDataSpec';
import { saveEncoder } from './encoderStore';
import { crossEntropyToClassIndices } from './losses';
import { Encoder } from './models/encoder';
import type { StateUpdates } from './models/layers';
import { defaultEncoderDir } from './train';

export interface PretrainOptions {
  config: DtnConfig;
  baseDir: string;
  out?: string;
  steps?: number;
  backend?: BackendChoice;
  emit: (msg: TrainerMessage) => void;
  onProgress?: (step: number, total: number, loss: number) => void;
}

export interface PretrainResult {
  dir: string;
  heldOutAccuracy: number;
  steps: number;
}

const BATCH = 64;
const HELD_OUT_FRACTION = 0.1;

export async function pretrainEncoder(opts: PretrainOptions): Promise<PretrainResult> {
  const { config, emit } = opts;
  const arch = config.architecture;
  const steps = opts.steps ?? config.encoder.pretrainSteps;
  const backend = await initBackend(opts.backend ?? config.backend);
  emit({ type: 'status', phase: 'backend', message: `${backend.name} on ${backend.device} (${backend.reason})` });
  emit({ type: 'status', phase: 'data', message: 'loading labelled source images' });
  const data = await loadDataSpec(config.source, { baseDir: opts.baseDir, size: arch.imageSize, channels: arch.sourceChannels, seed: config.seed });
  if (!data.labels) {
    throw new Error(`source domain (${data.origin}) has no labels: f is pretrained as a digit classifier. Use labelled source data (synthetic-digits, svhn-mat, mnist-idx with labels, or image-folder with labelsFromFolders)`);
  }
  const heldOut = Math.max(1, Math.floor(data.count * HELD_OUT_FRACTION));
  const trainCount = data.count - heldOut;
  if (trainCount < BATCH) throw new Error(`only ${data.count} labelled source images: pretraining needs at least ${BATCH + heldOut}`);

  const f = new Encoder(arch, config.seed);
  const opt = tf.train.adam(1e-3);
  const batcher = new Batcher(trainCount, BATCH, config.seed * 104729 + 3);
  const per = data.height * data.width * data.channels;
  for (let step = 1; step <= steps; step++) {
    const idx = batcher.next();
    const x = tf.tensor4d(gather(data, idx), [BATCH, data.height, data.width, data.channels]);
    const y = tf.tensor1d(Int32Array.from(idx, (i) => data.labels![i]), 'int32');
    const updates: StateUpdates = [];
    const loss = opt.minimize(() => crossEntropyToClassIndices(f.classify(x, { training: true, updates }), y), true, f.params.trainableList());
    for (const u of updates) u();
    x.dispose();
    y.dispose();
    if (step % 10 === 0 || step === steps) opts.onProgress?.(step, steps, (await loss!.data())[0]);
    loss?.dispose();
  }
  opt.dispose();

  const heldOutAccuracy = await accuracy(f, data, trainCount, heldOut, per);
  const dir = opts.out ?? defaultEncoderDir(config, opts.baseDir);
  await saveEncoder(dir, f, { trainedOn: data.origin, steps, heldOutAccuracy });
  f.params.dispose();
  return { dir, heldOutAccuracy, steps };
}

async function accuracy(f: Encoder, data: ImageSet, from: number, count: number, per: number): Promise<number> {
  let correct = 0;
  for (let i = from; i < from + count; i += 256) {
    const n = Math.min(256, from + count - i);
    const x = tf.tensor4d(data.images.subarray(i * per, (i + n) * per), [n, data.height, data.width, data.channels]);
    const pred = tf.tidy(() => tf.argMax(f.classify(x, { training: false }), 1));
    const p = await pred.data();
    for (let k = 0; k < n; k++) if (p[k] === data.labels![i + k]) correct++;
    x.dispose();
    pred.dispose();
  }
  return correct / count;
}
