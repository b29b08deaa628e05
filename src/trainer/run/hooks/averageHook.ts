/**
 * Keeps g's weight average (train.emaDecay) current. Through tfjs it folds g in after every step; on
 * the replayed WebGPU step g's variables are only written back on sync, so there it folds every
 * REPLAYED_EVERY steps (the decay raised to that power), and always before anything reads it.
 */
import type { GeneratorAverage } from '../../dtn/generatorAverage';
import type { StepRunner } from '../../engine/stepRunner';

const REPLAYED_EVERY = 10;

export class AverageHook {
  private pending = 0;

  constructor(
    private readonly average: GeneratorAverage,
    private readonly runner: Pick<StepRunner, 'mode' | 'sync'>,
  ) {}

  afterStep(): void {
    this.pending++;
    if (this.runner.mode === 'planned' && this.pending < REPLAYED_EVERY) return;
    this.flush();
  }

  /** Folds in the steps not yet counted: before samples, evaluations and checkpoints. */
  flush(): void {
    if (this.pending === 0) return;
    this.runner.sync();
    this.average.update(this.pending);
    this.pending = 0;
  }
}
