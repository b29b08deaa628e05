/** The sample panel's state logic: following the newest grid, the slider, persisted selection. */
import * as assert from 'node:assert/strict';
import type { RunSummary, SampleRef } from '../../../src/shared/webviewProtocol';
import { index8 } from '../../shared/sampleIndexFixture';
import {
  clickTile,
  compareSelected,
  filmstripSteps,
  hoverTile,
  inspectedTile,
  moveTile,
  playTick,
  selectCompareIndex,
  setCompare,
  setShown,
  setZoom,
  stepZoom,
  togglePlay,
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
    assert.deepEqual(restoreSamplesUi({ selectedStep: -1 }), { follow: true, zoom: 'fit' }, 'invalid saved state is dropped');
  });

  it('an empty run has nothing selected', () => {
    const m = reduceSamples(initialSamplesModel, { type: 'init', run, samples: [] });
    assert.equal(selected(m), undefined);
    assert.equal(selectIndex(m, 3), m);
    assert.deepEqual(reduceSamples(m, { type: 'empty' }), {
      samples: [],
      follow: true,
      empty: true,
      view: { zoom: 'fit', playing: false },
    });
  });

  it('opens at a selected step: that grid, else the nearest earlier one, else the first', () => {
    const samples = [s(0), s(50), s(100)];
    const at = (select: number) => reduceSamples(initialSamplesModel, { type: 'init', run, samples, select });
    assert.deepEqual([at(50).selectedStep, at(50).follow], [50, false]);
    assert.deepEqual([at(75).selectedStep, at(75).follow], [50, false]);
    assert.deepEqual([at(100).selectedStep, at(100).follow], [100, true], 'the newest grid follows on');
    assert.deepEqual([sampleAtOrBefore([s(10), s(20)], 5), sampleAtOrBefore([], 5)], [10, undefined]);
    const saved = { runDir: run.runDir, selectedStep: 100, follow: false, zoom: 'fit' as const };
    assert.equal(
      reduceSamples(initialSamplesModel, { type: 'init', run, samples, select: 0 }, saved).selectedStep,
      0,
      'beats a saved slider',
    );
  });
});

describe('sample explorer', () => {
  const init = (samples = [s(0), s(50), s(100)]) => reduceSamples(initialSamplesModel, { type: 'init', run, samples, index: index8 });

  it('zooms from fit to the next crisp integer scale and back, and remembers it across runs', () => {
    let m = init();
    assert.equal(m.view.zoom, 'fit');
    m = stepZoom(m, 1, 2.6);
    assert.equal(m.view.zoom, 3, 'from fit at 2.6x, in goes to 3x');
    m = stepZoom(stepZoom(m, 1, 0), 1, 0);
    assert.equal(m.view.zoom, 6);
    m = stepZoom(m, -1, 0);
    assert.equal(m.view.zoom, 4);
    assert.equal(stepZoom(setZoom(m, 16), 1, 0).view.zoom, 16, 'no zoom past the largest');
    assert.equal(stepZoom(setZoom(m, 'fit'), -1, 0.5).view.zoom, 'fit', 'nothing below 1x to go to');
    const saved = restoreSamplesUi(JSON.parse(JSON.stringify(toUiState(m))));
    const other = reduceSamples(initialSamplesModel, { type: 'init', run: { ...run, runDir: '/runs/r2' }, samples: [s(0)] }, saved);
    assert.equal(other.view.zoom, 4);
  });

  it('a click inspects a tile (a second click closes it); hovering previews another; arrows move it', () => {
    let m = clickTile(init(), 3);
    assert.equal(inspectedTile(m), 3);
    m = hoverTile(m, 5);
    assert.equal(inspectedTile(m), 5, 'the hovered tile shows while the pointer is on it');
    m = hoverTile(m, undefined);
    assert.equal(inspectedTile(m), 3, 'and the clicked one comes back');
    m = moveTile(m, 1, 8);
    assert.equal(inspectedTile(m), 4);
    assert.equal(inspectedTile(moveTile(setShown(m, 5, 8), 3, 8)), 4, 'stays within the shown tiles');
    assert.equal(inspectedTile(moveTile(init(), -1, 8)), 7, 'left from nothing starts at the last tile');
    assert.equal(inspectedTile(clickTile(m, 4)), undefined);
  });

  it('shows fewer tiles on request, all again at the count; an inspected tile beyond them closes', () => {
    let m = clickTile(init(), 6);
    m = setShown(m, 4, 8);
    assert.deepEqual([m.view.shown, m.view.tile], [4, undefined]);
    assert.equal(setShown(m, 0, 8).view.shown, 1);
    assert.equal(setShown(m, 8, 8).view.shown, undefined);
    assert.equal(setShown(m, Number.NaN, 8).view.shown, undefined);
  });

  it('step B: starts at the first grid (or the second when A is the first), its own slider, off again', () => {
    let m = setCompare(init(), true);
    assert.equal(m.view.compareStep, 0);
    assert.equal(compareSelected(m)?.index, 0);
    m = selectCompareIndex(m, 1);
    assert.equal(m.view.compareStep, 50);
    assert.equal(m.selectedStep, 100, 'A stays where it was');
    assert.equal(setCompare(selectIndex(init(), 0), true).view.compareStep, 50);
    assert.equal(setCompare(m, false).view.compareStep, undefined);
    assert.equal(setCompare(init([s(0)]), true).view.compareStep, undefined, 'one grid: nothing to compare with');
    assert.equal(selectCompareIndex(init(), 1).view.compareStep, undefined, 'no slider moves B while comparison is off');
  });

  it('plays through the steps from the first, round again after the newest; the slider stops it', () => {
    let m = togglePlay(init());
    assert.deepEqual([m.view.playing, m.selectedStep, m.follow], [true, 0, false]);
    m = playTick(m);
    assert.equal(m.selectedStep, 50);
    m = playTick(playTick(m));
    assert.equal(m.selectedStep, 0, 'round to the first');
    m = reduceSamples(m, { type: 'samples', runId: 'r1', samples: [s(150)] });
    assert.equal(m.selectedStep, 0, 'a new grid does not interrupt the animation');
    assert.equal(selectIndex(m, 2).view.playing, false);
    assert.equal(togglePlay(m).view.playing, false);
    assert.equal(playTick(togglePlay(m)).selectedStep, 0, 'paused: no frames');
    assert.equal(togglePlay(init([s(0)])).view.playing, false, 'nothing to animate');
  });

  it('the filmstrip spreads at most N steps over the run, always with the first and the newest', () => {
    const many = Array.from({ length: 101 }, (_, i) => s(i * 10));
    const strip = filmstripSteps(many, 5).map((x) => x.step);
    assert.deepEqual(strip, [0, 250, 500, 750, 1000]);
    assert.deepEqual(
      filmstripSteps([s(0), s(5)], 24).map((x) => x.step),
      [0, 5],
    );
  });

  it('keeps the index of the run and takes a newer one from the host; a reload restores tiles and step B', () => {
    let m = init();
    assert.equal(m.index, index8);
    const since = { ...index8, since: 100 };
    m = reduceSamples(m, { type: 'samples', runId: 'r1', samples: [s(150)], index: since });
    assert.equal(m.index, since);
    const problem = reduceSamples(initialSamplesModel, { type: 'init', run, samples: [s(0)], indexProblem: 'bad index.json' });
    assert.deepEqual([problem.index, problem.indexProblem], [undefined, 'bad index.json']);
    m = setCompare(clickTile(setShown(selectIndex(init(), 1), 6, 8), 2), true);
    const saved = restoreSamplesUi(JSON.parse(JSON.stringify(toUiState(m))));
    const back = reduceSamples(initialSamplesModel, { type: 'init', run, samples: [s(0), s(50), s(100)] }, saved);
    assert.deepEqual([back.view.shown, back.view.tile, back.view.compareStep, back.selectedStep], [6, 2, 0, 50]);
    const other = reduceSamples(initialSamplesModel, { type: 'init', run: { ...run, runDir: '/x' }, samples: [s(0), s(50)] }, saved);
    assert.deepEqual([other.view.shown, other.view.tile, other.view.compareStep], [undefined, undefined, undefined], 'not for another run');
  });
});
