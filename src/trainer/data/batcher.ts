/**
 * Seeded mini-batch sampling that survives checkpoints: each epoch walks a fresh random
 * permutation, and the state records how to rebuild the current one rather than the
 * permutation itself (which would be 73k numbers for SVHN).
 */
import { ImageSet } from './imageSet';
import { Rng } from './rng';
import { DtnError } from '../../shared/errors';

export interface BatcherState {
  count: number;
  batchSize: number;
  /** RNG state just before the current epoch's permutation was drawn. */
  epochRngState: number;
  /** Next position in the current permutation. */
  position: number;
  /** Index (0-based) of the epoch being walked; for logs only. */
  epoch: number;
}

export class Batcher {
  private rng!: Rng;
  private perm!: Int32Array;
  private epochRngState = 0;
  private position = 0;
  private epoch = 0;

  constructor(
    readonly count: number,
    readonly batchSize: number,
    rngState: number,
  ) {
    if (!(Number.isInteger(count) && count > 0)) throw new Error(`Batcher needs a positive image count, got ${count}`);
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`Batcher needs a positive batch size, got ${batchSize}`);
    this.startEpoch(rngState >>> 0);
    this.epoch = 0;
  }

  private startEpoch(rngState: number): void {
    this.epochRngState = rngState;
    this.rng = new Rng(rngState);
    const perm = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) perm[i] = i;
    this.perm = this.rng.shuffle(perm);
    this.position = 0;
    this.epoch++;
  }

  /** The next batchSize indices; a batch that crosses an epoch end continues in the next one. */
  next(): Int32Array {
    const out = new Int32Array(this.batchSize);
    for (let i = 0; i < this.batchSize; i++) {
      if (this.position === this.count) this.startEpoch(this.rng.state);
      out[i] = this.perm[this.position++];
    }
    return out;
  }

  state(): BatcherState {
    return { count: this.count, batchSize: this.batchSize, epochRngState: this.epochRngState, position: this.position, epoch: this.epoch };
  }

  static restore(s: BatcherState): Batcher {
    const b = new Batcher(s.count, s.batchSize, s.epochRngState);
    if (!(Number.isInteger(s.position) && s.position >= 0 && s.position <= s.count))
      throw new DtnError('CHECKPOINT_CORRUPT', `invalid batcher position ${s.position}`);
    b.position = s.position;
    b.epoch = s.epoch;
    return b;
  }
}

/** Copies the chosen images into one contiguous NHWC buffer (a batch tensor's data). */
export function gather(set: ImageSet, indices: ArrayLike<number>): Float32Array {
  const per = set.height * set.width * set.channels;
  const out = new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!(k >= 0 && k < set.count)) throw new RangeError(`image index ${k} out of range 0..${set.count - 1}`);
    out.set(set.images.subarray(k * per, (k + 1) * per), i * per);
  }
  return out;
}

export function gatherLabels(set: ImageSet, indices: ArrayLike<number>): Int32Array {
  const labels = set.labels;
  if (!labels) throw new DtnError('DATA_INVALID', `${set.origin} has no labels`);
  return Int32Array.from(indices, (k) => labels[k]);
}
