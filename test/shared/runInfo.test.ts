import { strict as assert } from 'node:assert';
import { RunInfoFileSchema, RunInfoSchema } from '../../src/shared/runInfo';
import { runInfo } from '../trainer/helpers';

describe('run.json schema', () => {
  it('strict: a complete run.json passes; a missing or mistyped field fails', () => {
    assert.deepEqual(RunInfoSchema.parse(runInfo({ error: 'x' })), runInfo({ error: 'x' }));
    const { seed: _s, ...noSeed } = runInfo();
    assert.ok(!RunInfoSchema.safeParse(noSeed).success);
    assert.ok(!RunInfoSchema.safeParse(runInfo({ lastStep: -1 })).success);
    assert.ok(!RunInfoSchema.safeParse({ ...runInfo(), status: 'paused' }).success);
  });

  it('lenient (the extension host): fields an older trainer did not write may be missing; unknown ones are ignored', () => {
    assert.deepEqual(RunInfoFileSchema.parse({ runId: 'old', status: 'completed' }), { runId: 'old', status: 'completed' });
    assert.deepEqual(RunInfoFileSchema.parse({ runId: 'new', futureField: { a: 1 } }), { runId: 'new' });
    assert.ok(!RunInfoFileSchema.safeParse({ runId: 'x', lastStep: 'three' }).success, 'a present field is still checked');
    // A malformed best is no best, and the rest of the file still shows.
    assert.deepEqual(RunInfoFileSchema.parse({ runId: 'y', best: { step: 'top' } }), { runId: 'y', best: undefined });
  });
});
