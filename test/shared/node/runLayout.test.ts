import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { checkpointPath, parseStepName, samplePath, stepName } from '../../../src/shared/node/runLayout';

describe('run layout names', () => {
  it('step names are fixed-width, so they sort by step', () => {
    assert.equal(stepName(0), 'step-00000000');
    assert.equal(stepName(1234), 'step-00001234');
    const steps = [5, 100, 20, 3000, 1];
    const sorted = steps.map(stepName).sort();
    assert.deepEqual(
      sorted.map((n) => parseStepName(n)),
      [1, 5, 20, 100, 3000],
    );
  });

  it('parseStepName reads folders and PNGs, and nothing else', () => {
    assert.equal(parseStepName('step-00000042'), 42);
    assert.equal(parseStepName('step-00000042.png'), 42);
    for (const bad of ['step-42', 'step-00000042.jpg', '.step-00000042.tmp-abc', 'step-000000042', 'x-step-00000042']) {
      assert.equal(parseStepName(bad), undefined, bad);
    }
  });

  it('sample and checkpoint paths live in samples/ and checkpoints/', () => {
    assert.equal(samplePath('/r', 7), path.join('/r', 'samples', 'step-00000007.png'));
    assert.equal(checkpointPath('/r', 7), path.join('/r', 'checkpoints', 'step-00000007'));
  });
});
