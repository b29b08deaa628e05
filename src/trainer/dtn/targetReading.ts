/**
 * How well f reads the target domain: its classification head on labelled target images (MNIST for
 * the digits presets). f never trains on them; what it cannot tell apart there, L_CONST cannot hold
 * apart in g's drawings (a g that draws MNIST eights which f reads as eights but people read as
 * sixes costs nothing in L_CONST), so this bounds what the DTN keeps in place.
 */
import type { DataSpec, DigitsArchitecture } from '../../shared/config';
import type { TargetReading } from '../../shared/encoders';
import { DtnError } from '../../shared/errors';
import { loadDataSpec } from '../data/loadDataSpec';
import { scoreClassification } from '../eval/scoring';
import type { Encoder } from './models/encoder';
import { predictLabels } from './supervised';

/** Enough for a per-class rate to within a few points, in seconds on one core. */
export const TARGET_READING_COUNT = 2000;

/** The spec limited to its first `count` images (for the kinds that can be limited). */
function firstImages(spec: DataSpec, count: number): DataSpec {
  switch (spec.kind) {
    case 'mnist-package':
    case 'mnist-idx':
    case 'svhn-mat':
    case 'image-folder':
      return { ...spec, count: Math.min(spec.count ?? count, count) };
    default:
      return spec;
  }
}

export type TargetReadingOutcome =
  | { kind: 'measured'; reading: TargetReading }
  /** The target domain has no labels (or is not digits): nothing to score f against. */
  | { kind: 'unlabelled'; origin: string }
  /** The target could not be loaded; pretraining f does not depend on it. */
  | { kind: 'unavailable'; message: string };

/** f's accuracy on labelled target images, and the confusion it makes most often. */
export async function measureTargetReading(
  f: Encoder,
  target: DataSpec,
  opts: { baseDir: string; arch: DigitsArchitecture; seed: number; count?: number },
): Promise<TargetReadingOutcome> {
  let data;
  try {
    data = await loadDataSpec(firstImages(target, opts.count ?? TARGET_READING_COUNT), {
      baseDir: opts.baseDir,
      size: opts.arch.imageSize,
      // f reads G's outputs this way too: a grey image repeated over f's channels.
      channels: opts.arch.sourceChannels,
      seed: opts.seed,
    });
  } catch (err) {
    // A missing or unreadable target is the train command's error to report, not pretrain-f's.
    if (err instanceof DtnError && err.code === 'DATA_INVALID') return { kind: 'unavailable', message: err.message };
    throw err;
  }
  const labels = data.labels;
  if (!labels || data.count === 0) return { kind: 'unlabelled', origin: data.origin };
  const classes = 10;
  if (labels.some((l) => l < 0 || l >= classes)) return { kind: 'unlabelled', origin: data.origin };
  const predicted = await predictLabels(f, data);
  const score = scoreClassification(predicted, labels, classes);
  const worst = worstConfusion(score.confusion);
  return { kind: 'measured', reading: { value: score.accuracy, on: data.origin, count: score.count, worst } };
}

/** The true class most often read as one other class, with the share of that class so read. */
export function worstConfusion(confusion: number[][]): TargetReading['worst'] {
  let worst: TargetReading['worst'];
  confusion.forEach((row, label) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((n, readAs) => {
      if (readAs === label || n === 0) return;
      const rate = n / total;
      if (!worst || rate > worst.rate) worst = { label, readAs, rate };
    });
  });
  return worst;
}
