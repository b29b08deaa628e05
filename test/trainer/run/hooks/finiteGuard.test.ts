import { strict as assert } from 'node:assert';
import { DtnError } from '../../../../src/shared/errors';
import { assertFiniteLosses } from '../../../../src/trainer/run/hooks/finiteGuard';

describe('finite guard', () => {
  const loss = { D: 1, GANG: 2, CONST: 0.5, TID: 0.25, TV: null, G: 3 };

  it('lets finite losses and switched-off terms (null) through', () => {
    assertFiniteLosses(loss, 7);
  });

  it('stops on NaN or an infinite loss, naming the loss, the value and the step', () => {
    assert.throws(
      () => assertFiniteLosses({ ...loss, TID: NaN }, 12),
      (err: unknown) =>
        err instanceof DtnError &&
        err.code === 'TRAINING_DIVERGED' &&
        err.message === 'loss TID became NaN at step 12' &&
        /train\.learningRate/.test(err.fix ?? ''),
    );
    assert.throws(() => assertFiniteLosses({ ...loss, G: -Infinity }, 3), /loss G became -Infinity at step 3/);
  });

  it('where losses were not read every step (a GPU), says since when they were finite', () => {
    assert.throws(() => assertFiniteLosses({ ...loss, D: NaN }, 20, 10), /loss D became NaN at step 20 \(.*finite at step 10\)/);
  });
});
