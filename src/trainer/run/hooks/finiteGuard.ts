/** Stops a run whose losses have diverged, instead of training on (and checkpointing) NaNs. */
import { DtnError } from '../../../shared/errors';
import type { MetricsRecord } from '../../../shared/protocol';

/**
 * Throws, naming the loss and the step, when a read loss is NaN or infinite (null = term off).
 * `finiteAt`: the last step whose losses were read and finite, when steps in between were not read.
 */
export function assertFiniteLosses(loss: MetricsRecord['loss'], step: number, finiteAt = step - 1): void {
  for (const [k, v] of Object.entries(loss)) {
    if (v === null || Number.isFinite(v)) continue;
    const since = finiteAt < step - 1 ? ` (losses are read every few steps on this backend; they were finite at step ${finiteAt})` : '';
    throw new DtnError('TRAINING_DIVERGED', `loss ${k} became ${v} at step ${step}${since}`, {
      fix: 'Lower train.learningRate or the loss weights, or check the data; resume from the last checkpoint, which holds finite weights.',
    });
  }
}
