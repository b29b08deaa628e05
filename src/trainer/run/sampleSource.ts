/**
 * Which source images the sample grids show. The same ones at every step and in every run on the
 * same data, so grids compare across steps and runs: for digits the first held-out images (those
 * evaluation scores, never trained on); otherwise (faces, an unlabelled folder) a fixed spread over
 * the training set, chosen by position only, never by the run's seed.
 */
import type { DtnConfig } from '../../shared/config';
import { messageOf } from '../../shared/errors';
import type { TrainerMessage } from '../../shared/protocol';
import type { SampleIndex } from '../../shared/sampleIndex';
import type { ImageSet } from '../data/imageSet';
import { loadHeldOutSource } from '../eval/evaluate';

export interface SampleSource {
  set: ImageSet;
  /** Indices into `set`, one per tile. */
  picks: number[];
  kind: SampleIndex['source']['kind'];
}

/** `count` indices spread evenly over `n` images (all of them when n <= count). */
export function spreadPicks(n: number, count: number): number[] {
  const k = Math.min(n, count);
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
}

export async function chooseSampleSource(
  config: DtnConfig,
  baseDir: string,
  training: ImageSet,
  emit: (msg: TrainerMessage) => void,
): Promise<SampleSource> {
  const count = config.train.sampleCount;
  if (config.architecture.kind === 'digits') {
    try {
      // Held-out sets are deterministic by index: the first `count` are evaluation's first `count`.
      const heldOut = await loadHeldOutSource({ ...config, eval: { ...config.eval, count: Math.min(count, config.eval.count) } }, baseDir);
      if (heldOut && heldOut.count > 0) return { set: heldOut, picks: spreadPicks(heldOut.count, heldOut.count), kind: 'held-out' };
    } catch (err) {
      emit({ type: 'warning', message: `sample grids show training images: the held-out source did not load (${messageOf(err)})` });
    }
  }
  return { set: training, picks: spreadPicks(training.count, count), kind: 'training' };
}

/** A tile's label as a person reads it: the class folder's name where labels came from names. */
export function labelText(set: ImageSet, i: number): string | undefined {
  const label = set.labels?.[i];
  if (label === undefined) return undefined;
  const named = set.labelMap && Object.entries(set.labelMap).find(([, v]) => v === label);
  return named ? named[0] : String(label);
}
