/** The two domains' mini-batch samplers, seeded from the config and restorable from a checkpoint. */
import { Batcher, gather, type BatcherState } from '../data/batcher';
import type { ImageSet } from '../data/imageSet';

export class DomainBatches {
  private constructor(
    private readonly source: ImageSet,
    private readonly target: ImageSet,
    private readonly sourceBatcher: Batcher,
    private readonly targetBatcher: Batcher,
  ) {}

  /** Samplers at the start of a run. */
  static fresh(source: ImageSet, target: ImageSet, batchSize: number, seed: number): DomainBatches {
    const batcher = (set: ImageSet, offset: number) => new Batcher(set.count, batchSize, seed * 7919 + offset);
    return new DomainBatches(source, target, batcher(source, 1), batcher(target, 2));
  }

  /** Samplers where a checkpoint's `state()` left them. */
  static restore(source: ImageSet, target: ImageSet, state: Record<string, unknown>): DomainBatches {
    return new DomainBatches(source, target, Batcher.restore(state.source as BatcherState), Batcher.restore(state.target as BatcherState));
  }

  /** The next source and target batches, NHWC pixels. */
  next(): { xs: Float32Array; xt: Float32Array } {
    const xs = gather(this.source, this.sourceBatcher.next());
    const xt = gather(this.target, this.targetBatcher.next());
    return { xs, xt };
  }

  state(): { source: BatcherState; target: BatcherState } {
    return { source: this.sourceBatcher.state(), target: this.targetBatcher.state() };
  }
}
