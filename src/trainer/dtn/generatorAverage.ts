/**
 * An exponential moving average of g's weights (and its batch-norm statistics), kept beside the g
 * that trains. GAN generators oscillate around a good solution; their average sits nearer its
 * centre, so samples, evaluation, translation and export read the average while the raw g trains on.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../../shared/config';
import { createGenerator, type GeneratorNet } from './models/dtnNetworks';

export const AVERAGE_PREFIX = 'gAvg';

export class GeneratorAverage {
  readonly net: GeneratorNet;
  /** Pairs (average, raw) in parameter order. */
  private readonly pairs: [tf.Variable, tf.Variable][];
  /** Updates folded in so far: the warm-up of the decay counts them (restored from checkpoints). */
  updates = 0;

  constructor(
    g: GeneratorNet,
    arch: Architecture,
    embeddingSize: number,
    private readonly decay: number,
    private readonly warmup = 10,
  ) {
    // Same shapes as g; the seed is irrelevant, the values are copied from g below.
    this.net = createGenerator(arch, embeddingSize, 0, AVERAGE_PREFIX);
    const raw = [...g.params.all().values()];
    const avg = [...this.net.params.all().values()];
    this.pairs = avg.map((a, i) => [a, raw[i]]);
    for (const v of this.net.params.trainable.values()) v.trainable = false;
    this.restart();
  }

  /** Makes the average equal to g (a new run, or a checkpoint written before averaging existed). */
  restart(): void {
    tf.tidy(() => {
      for (const [a, r] of this.pairs) a.assign(r);
    });
    this.updates = 0;
  }

  /**
   * Folds g's current weights in, standing for `steps` training steps since the last update. The
   * decay warms up as (1 + n) / (warmup + n) so the first steps' random weights fade out quickly.
   */
  update(steps = 1): void {
    this.updates += steps;
    const d = Math.pow(Math.min(this.decay, (1 + this.updates) / (this.warmup + this.updates)), steps);
    tf.tidy(() => {
      for (const [a, r] of this.pairs) a.assign(tf.add(tf.mul(a, d), tf.mul(r, 1 - d)));
    });
  }

  dispose(): void {
    this.net.params.dispose();
  }
}
