/**
 * The paper's quality metrics: translation accuracy (a target-domain classifier labels G(x) for
 * held-out labelled source x; scored against x's label) and f-constancy (mean d(f(x), f(G(x)))).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DtnConfig } from '../../shared/config';
import type { EvalSummary } from '../../shared/protocol';
import type { ImageSet } from '../data/imageSet';
import { loadDataSpec } from '../data/loadDataSpec';
import { constancyLoss } from '../dtn/losses';
import type { Encoder } from '../dtn/models/encoder';
import type { FeatureEncoder } from '../dtn/models/featureEncoder';
import { NUM_CLASSES, predictLabels } from './classifier';
import { scoreClassification, type ClassificationScore } from './scoring';
import { DtnError } from '../../shared/errors';

export interface TranslationEval extends EvalSummary {
  confusion: number[][];
}

const CHUNK = 128;

/**
 * Scores `generate` on `heldOut` (labelled source images). `generate` must run in inference mode
 * (running batch-norm statistics) so a chunk's result does not depend on its neighbours.
 */
export async function evaluateTranslation(opts: {
  generate: (x: tf.Tensor4D) => tf.Tensor4D;
  f: FeatureEncoder;
  classifier: Encoder;
  heldOut: ImageSet;
  distance: 'mse' | 'cosine';
}): Promise<TranslationEval> {
  const { heldOut } = opts;
  if (!heldOut.labels)
    throw new DtnError('DATA_INVALID', `${heldOut.origin} has no labels: translation accuracy needs labelled source images`);
  const per = heldOut.height * heldOut.width * heldOut.channels;
  const predicted = new Int32Array(heldOut.count);
  let distanceSum = 0;
  for (let i = 0; i < heldOut.count; i += CHUNK) {
    const n = Math.min(CHUNK, heldOut.count - i);
    const x = tf.tensor4d(heldOut.images.subarray(i * per, (i + n) * per), [n, heldOut.height, heldOut.width, heldOut.channels]);
    const [labels, dist] = tf.tidy(() => {
      const gx = opts.generate(x);
      const d = constancyLoss(opts.f.embed(x), opts.f.embed(gx), opts.distance);
      return [tf.argMax(opts.classifier.classify(gx, { training: false }), 1), d];
    });
    predicted.set(await labels.data(), i);
    distanceSum += (await dist.data())[0] * n;
    x.dispose();
    labels.dispose();
    dist.dispose();
  }
  const score = scoreClassification(predicted, heldOut.labels, NUM_CLASSES);
  return { accuracy: score.accuracy, confusion: score.confusion, fConstancy: distanceSum / heldOut.count, count: heldOut.count };
}

/** The classifier on raw labelled images (a reference point: how well it reads a domain as is). */
export async function classifierAccuracy(classifier: Encoder, data: ImageSet): Promise<ClassificationScore> {
  if (!data.labels) throw new DtnError('DATA_INVALID', `${data.origin} has no labels`);
  return scoreClassification(await predictLabels(classifier, data), data.labels, NUM_CLASSES);
}

/** A seed no training image uses: synthetic digits depend only on (seed, index). */
export const HELD_OUT_SEED_OFFSET = 1_000_003;

/**
 * Held-out labelled source images: `eval.source` when given, else synthetic digits rendered with a
 * fixed seed (not the run's) that the training set never uses. Undefined when neither applies (e.g. an unlabelled folder).
 */
export async function loadHeldOutSource(config: DtnConfig, baseDir: string): Promise<ImageSet | undefined> {
  const arch = config.architecture;
  const opts = { baseDir, size: arch.imageSize, channels: arch.sourceChannels, seed: config.seed + HELD_OUT_SEED_OFFSET };
  if (config.eval.source) return loadDataSpec({ ...config.eval.source, count: config.eval.count } as typeof config.eval.source, opts);
  if (config.source.kind === 'synthetic-digits') {
    // The same images whatever the run's seed, so the seeds of a sweep are scored alike; never the
    // training set's own seed.
    const trainingSeed = config.source.seed ?? config.seed;
    let seed = (config.source.seed ?? 1) + HELD_OUT_SEED_OFFSET;
    if (seed === trainingSeed) seed++;
    return loadDataSpec({ ...config.source, count: config.eval.count, seed }, opts);
  }
  return undefined;
}
