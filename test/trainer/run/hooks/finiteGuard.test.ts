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
        /^loss TID became NaN at step 12: lower train\.learningRate/.test(err.message),
    );
    assert.throws(() => assertFiniteLosses({ ...loss, G: -Infinity }, 3), /loss G became -Infinity at step 3/);
  });
});
