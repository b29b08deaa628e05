/** The sample panel's state logic: following the newest grid, the slider, persisted selection. */
import * as assert from 'node:assert/strict';
import type { RunSummary, SampleRef } from '../../../src/shared/webviewProtocol';
import {
  initialSamplesModel,
  reduceSamples,
  sampleAtOrBefore,
  restoreSamplesUi,
  selected,
  selectIndex,
  setFollow,
  toUiState,
} from '../../../src/webviews/samples/samplesModel';

const run: RunSummary = { runId: 'r1', runDir: '/runs/r1', status: 'running', managed: true, totalSteps: 100, lastStep: 0 };
const s = (step: number): SampleRef => ({ step, uri: `https://res/${step}.png` });

describe('samples model', () => {
  it('follows the newest grid as samples arrive', () => {
    let m = reduceSamples(initialSamplesModel, { type: 'init', run, samples: [s(50), s(0)] });
    assert.deepEqual(
      m.samples.map((x) => x.step),
      [0, 50],
    );
    assert.equal(m.selectedStep, 50);
    assert.equal(m.follow, true);
    m = reduceSamples(m, { type: 'samples', runId: 'r1', samples: [s(100)] });
    assert.equal(m.selectedStep, 100);
  });

  it('moving the slider back stops following; moving it to the end follows again', () => {
    let m = reduceSamples(initialSamplesModel, { type: 'init', run, samples: [s(0), s(50), s(100)] });
    m = selectIndex(m, 1);
    assert.deepEqual([m.selectedStep, m.follow], [50, false]);
    m = reduceSamples(m, { type: 'samples', runId: 'r1', samples: [s(150)] });
    assert.equal(m.selectedStep, 50, 'stays where the user put it');
    assert.equal(selected(m)?.index, 1);
    m = selectIndex(m, 99);
    assert.deepEqual([m.selectedStep, m.follow], [150, true], 'clamped to the end, following');
    m = setFollow(selectIndex(m, 0), true);
    assert.equal(m.selectedStep, 150);
  });

  it('ignores samples of another run and duplicate announcements', () => {
    let m = reduceSamples(initialSamplesModel, { type: 'init', run, samples: [s(0)] });
    assert.equal(reduceSamples(m, { type: 'samples', runId: 'r2', samples: [s(9)] }), m);
    m = reduceSamples(m, { type: 'samples', runId: 'r1', samples: [s(0), s(0)] });
    assert.equal(m.samples.length, 1);
  });

  it('restores the slider after a reload, for the same run only', () => {
    let m = reduceSamples(initialSamplesModel, { type: 'init', run, samples: [s(0), s(50), s(100)] });
    const saved = restoreSamplesUi(JSON.parse(JSON.stringify(toUiState(selectIndex(m, 1)))));
    m = reduceSamples(initialSamplesModel, { type: 'init', run, samples: [s(0), s(50), s(100), s(150)] }, saved);
    assert.deepEqual([m.selectedStep, m.follow], [50, false]);
    const other = reduceSamples(initialSamplesModel, { type: 'init', run: { ...run, runDir: '/runs/r2' }, samples: [s(0), s(50)] }, saved);
    assert.deepEqual([other.selectedStep, other.follow], [50, true], 'another run starts at its newest');
    assert.deepEqual(restoreSamplesUi({ selectedStep: -1 }), { follow: true }, 'invalid saved state is dropped');
  });

  it('an empty run has nothing selected', () => {
    const m = reduceSamples(initialSamplesModel, { type: 'init', run, samples: [] });
    assert.equal(selected(m), undefined);
    assert.equal(selectIndex(m, 3), m);
    assert.deepEqual(reduceSamples(m, { type: 'empty' }), { samples: [], follow: true, empty: true });
  });

  it('opens at a selected step: that grid, else the nearest earlier one, else the first', () => {
    const samples = [s(0), s(50), s(100)];
    const at = (select: number) => reduceSamples(initialSamplesModel, { type: 'init', run, samples, select });
    assert.deepEqual([at(50).selectedStep, at(50).follow], [50, false]);
    assert.deepEqual([at(75).selectedStep, at(75).follow], [50, false]);
    assert.deepEqual([at(100).selectedStep, at(100).follow], [100, true], 'the newest grid follows on');
    assert.deepEqual([sampleAtOrBefore([s(10), s(20)], 5), sampleAtOrBefore([], 5)], [10, undefined]);
    const saved = { runDir: run.runDir, selectedStep: 100, follow: false };
    assert.equal(
      reduceSamples(initialSamplesModel, { type: 'init', run, samples, select: 0 }, saved).selectedStep,
      0,
      'beats a saved slider',
    );
  });
});
