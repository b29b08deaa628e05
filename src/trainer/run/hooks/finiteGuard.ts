/** Stops a run whose losses have diverged, instead of training on (and checkpointing) NaNs. */
import { DtnError } from '../../../shared/errors';
import type { MetricsRecord } from '../../../shared/protocol';

/** Throws, naming the loss and the step, when a read loss is NaN or infinite (null = term off). */
export function assertFiniteLosses(loss: MetricsRecord['loss'], step: number): void {
  for (const [k, v] of Object.entries(loss)) {
    if (v === null || Number.isFinite(v)) continue;
    throw new DtnError('TRAINING_DIVERGED', `loss ${k} became ${v} at step ${step}: lower train.learningRate or check the data`);
  }
}
