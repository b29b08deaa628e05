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
import { NUM_CLASSES, type Encoder } from './models/encoder';
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
  /** The target has no labels, or labels that do not mean f's classes: nothing to score f against. */
  | { kind: 'unlabelled' }
  /** The target could not be loaded; pretraining f does not depend on it. */
  | { kind: 'unavailable'; message: string };

/** f's accuracy on labelled target images, and the confusion it makes most often. */
export async function measureTargetReading(
  f: Encoder,
  target: DataSpec,
  opts: {
    baseDir: string;
    arch: DigitsArchitecture;
    seed: number;
    count?: number;
    /** Class folder -> f's class, where f learned from class folders (its ImageSet's labelMap). */
    sourceLabels?: Record<string, number>;
  },
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
  if (!labels || data.count === 0 || !sameClasses(opts.sourceLabels, data.labelMap)) return { kind: 'unlabelled' };
  if (labels.some((l) => l < 0 || l >= NUM_CLASSES)) return { kind: 'unlabelled' };
  const predicted = await predictLabels(f, data);
  const score = scoreClassification(predicted, labels, NUM_CLASSES);
  const worst = worstConfusion(score.confusion);
  return { kind: 'measured', reading: { value: score.accuracy, on: data.origin, count: score.count, worst } };
}

/** The built-in digit sets' labels: the digit itself. */
const DIGIT_LABELS: Record<string, number> = Object.fromEntries(Array.from({ length: NUM_CLASSES }, (_, d) => [String(d), d]));

/**
 * Whether the target's label numbers name f's classes: every class of the target has the same name and
 * number among f's (class folders "cat", "dog" are 0 and 1, which f's head calls digits 0 and 1).
 */
function sameClasses(source: Record<string, number> = DIGIT_LABELS, target: Record<string, number> = DIGIT_LABELS): boolean {
  return Object.entries(target).every(([name, label]) => Object.hasOwn(source, name) && source[name] === label);
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
