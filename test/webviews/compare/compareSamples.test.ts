/** Compare with images: the steps offered and each run's grid at the chosen one (no DOM). */
import * as assert from 'node:assert/strict';
import type { RunSummary, SampleRef } from '../../../src/shared/webviewProtocol';
import { initialCompareModel, reduceCompare, type ComparedRun } from '../../../src/webviews/compare/compareModel';
import { gridsAtStep, sampleStepChoices, shownSampleStep, sourcesShared } from '../../../src/webviews/compare/compareSamples';
import { index8 } from '../../shared/sampleIndexFixture';

const summary = (name: string): RunSummary => ({
  runId: name,
  runDir: `/r/${name}`,
  status: 'completed',
  managed: false,
  totalSteps: 40,
  lastStep: 40,
});
const s = (step: number, run = 'a'): SampleRef => ({ step, uri: `https://res/${run}/${step}.png` });
const run = (name: string, steps: number[], sampleIndex = index8): ComparedRun => ({
  label: name,
  run: summary(name),
  records: [],
  samples: steps.map((x) => s(x, name)),
  sampleIndex,
});

describe('compare samples', () => {
  it('offers the steps every run has a grid at, and shows the newest of them at first', () => {
    const runs = [run('a', [0, 10, 20, 30]), run('b', [0, 10, 20]), run('none', [])];
    const choices = sampleStepChoices(runs);
    assert.deepEqual(choices, { steps: [0, 10, 20], common: true }, 'a run without grids does not empty the choice');
    assert.equal(shownSampleStep(choices, undefined), 20);
    assert.equal(shownSampleStep(choices, 30), 20, 'a step no longer offered: the nearest offered one');
    assert.equal(shownSampleStep({ steps: [], common: true }, 5), undefined);
  });

  it('without a common step, offers all and shows each run its nearest grid', () => {
    const runs = [run('a', [0, 10, 20]), run('b', [5, 15])];
    const choices = sampleStepChoices(runs);
    assert.deepEqual(choices, { steps: [0, 5, 10, 15, 20], common: false });
    const at = gridsAtStep(runs, 10);
    assert.deepEqual(
      at.map((g) => [g.run.label, g.sample?.step, g.exact]),
      [
        ['a', 10, true],
        ['b', 5, false],
      ],
      'a tie goes to the earlier grid',
    );
    assert.deepEqual(gridsAtStep([run('none', [])], 10)[0].sample, undefined);
  });

  it('one source row serves runs whose grids show the same held-out images', () => {
    assert.ok(sourcesShared(gridsAtStep([run('a', [0]), run('b', [0], { ...index8, since: 0 })], 0)));
    const other = { ...index8, tiles: index8.tiles.map((t) => ({ index: t.index + 100 })) };
    assert.ok(!sourcesShared(gridsAtStep([run('a', [0]), run('b', [0], other)], 0)));
    assert.ok(
      !sourcesShared(gridsAtStep([run('a', [0]), { ...run('old', [0]), sampleIndex: undefined }], 0)),
      'unknown sources are not assumed equal',
    );
  });

  it('the model takes a run’s grids from init and from later sample messages, sorted and unique', () => {
    let m = reduceCompare(initialCompareModel, {
      type: 'init',
      title: 't',
      smoothing: 0.6,
      runs: [
        { label: 'a', run: summary('a'), records: [], samples: [s(10), s(0)], sampleIndex: index8 },
        { label: 'b', run: summary('b'), records: [] },
      ],
    });
    assert.deepEqual(
      m.runs.map((r) => r.samples.map((x) => x.step)),
      [[0, 10], []],
    );
    m = reduceCompare(m, { type: 'samples', runDir: '/r/b', samples: [s(5, 'b'), s(0, 'b'), s(5, 'b')] });
    assert.deepEqual(
      m.runs[1].samples.map((x) => x.step),
      [0, 5],
    );
    assert.equal(reduceCompare(m, { type: 'samples', runDir: '/r/gone', samples: [s(1)] }), m, 'a run no longer compared');
  });
});
