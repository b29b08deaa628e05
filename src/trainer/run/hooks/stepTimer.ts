/** Throughput between metrics records: ms per step and images per second over the last interval. */
import type { MetricsRecord } from '../../../shared/protocol';

export class StepTimer {
  private start = Date.now();
  private steps = 0;

  constructor(private readonly batchSize: number) {}

  tick(): void {
    this.steps++;
  }

  /** The record of `step`, timed over the steps since the last `restart`. */
  record(step: number, loss: MetricsRecord['loss']): MetricsRecord {
    const seconds = (Date.now() - this.start) / 1000;
    return {
      step,
      loss,
      msPerStep: (seconds * 1000) / this.steps,
      imgPerSec: (this.steps * this.batchSize) / Math.max(seconds, 1e-9),
      time: new Date().toISOString(),
    };
  }

  /** Starts the next interval (after the record, and any evaluation, are written). */
  restart(): void {
    this.start = Date.now();
    this.steps = 0;
  }
}
