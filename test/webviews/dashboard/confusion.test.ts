/** The dashboard's confusion matrix view: which evaluation, per-class accuracy, the worst confusion. */
import * as assert from 'node:assert/strict';
import type { MetricsRecord } from '../../../src/shared/protocol';
import { applyInit, confusionAt, confusionSteps, restoreUiState } from '../../../src/webviews/dashboard/dashboardModel';

const identity = (n: number) => Array.from({ length: 3 }, (_, t) => Array.from({ length: 3 }, (_, p) => (t === p ? n : 0)));
const rec = (step: number, confusion?: number[][]): MetricsRecord => ({
  step,
  loss: { D: 1, GANG: 1, CONST: 1, TID: 1, TV: null, G: 1 },
  msPerStep: 1,
  imgPerSec: 1,
  time: '',
  ...(confusion ? { eval: { accuracy: 0.5, fConstancy: 0, count: 30, confusion } } : {}),
});

describe('dashboard confusion matrix', () => {
  // Step 20: 1s are read as 2 (a swap of two classes); step 30: perfect.
  const swapped = [
    [10, 0, 0],
    [0, 2, 8],
    [0, 0, 10],
  ];
  const records = [rec(10), rec(20, swapped), rec(25), rec(30, identity(10))];

  it('lists the evaluated steps and shows the newest unless one is picked', () => {
    assert.deepEqual(confusionSteps(records), [20, 30]);
    assert.equal(confusionAt(records)!.step, 30);
    assert.equal(confusionAt(records, 20)!.step, 20);
    assert.equal(confusionAt(records, 25)!.step, 30, 'a step without a matrix falls back to the newest');
    assert.equal(confusionAt([rec(5)]), undefined, 'faces runs and old runs have none');
  });

  it('gives per-class accuracy and names the worst confusion, so a permutation stands out', () => {
    const v = confusionAt(records, 20)!;
    assert.deepEqual(v.perClass, [1, 0.2, 1]);
    assert.deepEqual(v.worst, { label: 1, readAs: 2, share: 0.8 });
    const perfect = confusionAt(records)!;
    assert.equal(perfect.worst, undefined);
    const empty = confusionAt([
      rec(1, [
        [0, 0],
        [0, 4],
      ]),
    ])!;
    assert.deepEqual(empty.perClass, [undefined, 1], 'a class with no images has no accuracy');
  });

  it('forgets the picked step when the panel shows another run', () => {
    const ui = restoreUiState({ runDir: '/runs/a', logScale: false, confusionStep: 20 });
    const init = { type: 'init' as const, records: [], smoothing: 0.6 };
    const same = applyInit(ui, {
      ...init,
      run: { runId: 'a', runDir: '/runs/a', status: 'running', managed: true, totalSteps: 1, lastStep: 0 },
    });
    assert.equal(same.confusionStep, 20);
    const other = applyInit(ui, {
      ...init,
      run: { runId: 'b', runDir: '/runs/b', status: 'running', managed: true, totalSteps: 1, lastStep: 0 },
    });
    assert.equal(other.confusionStep, undefined);
  });
});
