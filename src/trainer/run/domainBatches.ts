/** The two domains' mini-batch samplers, seeded from the config and restorable from a checkpoint. */
import { z } from 'zod';
import { DtnError } from '../../shared/errors';
import { Batcher, gather, type BatcherState } from '../data/batcher';
import type { ImageSet } from '../data/imageSet';

const u32 = z.number().int().nonnegative().max(0xffffffff);
const BatcherStateSchema = z
  .object({ count: u32.min(1), batchSize: u32.min(1), epochRngState: u32, position: u32, epoch: u32 })
  .refine((s) => s.position <= s.count);

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

  /**
   * Samplers where a checkpoint's `state()` left them. The state is read from disk: it is checked,
   * and a sampler written for another number of images (the data changed) is named as such.
   */
  static restore(source: ImageSet, target: ImageSet, state: Record<string, unknown>, checkpoint: string): DomainBatches {
    const restored = (domain: 'source' | 'target', set: ImageSet) => {
      const parsed = BatcherStateSchema.safeParse(state[domain]);
      if (!parsed.success) {
        throw new DtnError('CHECKPOINT_CORRUPT', `${checkpoint}: the ${domain} sampler state in its manifest is damaged`, {
          file: checkpoint,
          fix: 'Use another checkpoint of the run.',
        });
      }
      const s = parsed.data;
      if (s.count !== set.count) {
        throw new DtnError(
          'DATA_INVALID',
          `${checkpoint} was trained on ${s.count} ${domain} images, the ${domain} domain now has ${set.count} (${set.origin})`,
          { file: checkpoint, fix: `Resume with the data the run was trained on, or start a new run.` },
        );
      }
      return Batcher.restore(s);
    };
    return new DomainBatches(source, target, restored('source', source), restored('target', target));
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
