/** The comparison webview's state logic (no DOM). */
import * as assert from 'node:assert/strict';
import type { MetricsRecord } from '../../../src/shared/protocol';
import type { CompareIn, CompareRun, RunSummary } from '../../../src/shared/webviewProtocol';
import {
  applyCompareInit,
  assignColors,
  configRows,
  evalLines,
  evalPoints,
  initialCompareModel,
  lossLines,
  offLabels,
  reduceCompare,
  restoreCompareUi,
  resultRows,
  runResults,
} from '../../../src/webviews/compare/compareModel';

const rec = (step: number, tid: number | null, evalAcc?: number): MetricsRecord => ({
  step,
  loss: { D: 1, GANG: 2, CONST: 0.1, TID: tid, TV: null, G: 3 },
  msPerStep: 250,
  imgPerSec: 128,
  time: '',
  ...(evalAcc !== undefined ? { eval: { accuracy: evalAcc, fConstancy: 0.2 - evalAcc / 10, count: 500 } } : {}),
});
const summary = (name: string, extra: Partial<RunSummary> = {}): RunSummary => ({
  runId: name,
  runDir: `/abl/${name}`,
  status: 'completed',
  managed: false,
  totalSteps: 40,
  lastStep: 40,
  backend: 'wasm',
  device: 'CPU',
  ...extra,
});
const full: CompareRun & { samples: [] } = {
  label: 'full',
  run: summary('full'),
  records: [rec(10, 0.5), rec(20, 0.4, 0.3), rec(30, 0.3), rec(40, 0.2, 0.25)],
  config: { name: 'd-full', seed: 1, 'losses.tid': true, 'train.learningRate': 0.001 },
  samples: [],
};
const noTid: CompareRun & { samples: [] } = {
  label: 'no-tid',
  run: summary('no-tid'),
  records: [rec(10, null), rec(20, null, 0.1), rec(30, null), rec(40, null, 0.35)],
  config: { name: 'd-no-tid', seed: 1, 'losses.tid': false, 'train.learningRate': 0.001 },
  samples: [],
};
const init = (runs: CompareRun[]): Extract<CompareIn, { type: 'init' }> => ({
  type: 'init',
  title: 'Ablation x',
  runs,
  smoothing: 0.6,
  source: { dir: '/abl', ablation: true, report: true },
});

describe('compare model', () => {
  it('init holds every run; batched records go to their own run; unknown runs are ignored', () => {
    let m = reduceCompare(initialCompareModel, init([full, { ...noTid, records: [rec(20, null), rec(10, null)] }]));
    assert.deepEqual(
      m.runs[1].records.map((r) => r.step),
      [10, 20],
      'sorted',
    );
    m = reduceCompare(m, {
      type: 'records',
      batches: [
        { runDir: '/abl/no-tid', records: [rec(30, null)] },
        { runDir: '/abl/full', records: [rec(50, 0.1)] },
      ],
    });
    assert.deepEqual(
      m.runs[0].records.map((r) => r.step),
      [10, 20, 30, 40, 50],
    );
    assert.deepEqual(
      m.runs[1].records.map((r) => r.step),
      [10, 20, 30],
    );
    const same = reduceCompare(m, { type: 'records', batches: [{ runDir: '/elsewhere', records: [rec(1, 1)] }] });
    assert.equal(same, m);
    m = reduceCompare(m, { type: 'run', run: summary('full', { status: 'running', lastStep: 50 }) });
    assert.equal(m.runs[0].run.status, 'running');
    assert.equal(reduceCompare(m, { type: 'run', run: summary('other') }), m);
    assert.equal(reduceCompare(m, { type: 'empty' }).runs.length, 0);
  });

  it('colours: a run keeps its slot while others come and go; new runs take the lowest free slot', () => {
    const a = assignColors({}, ['a', 'b', 'c']);
    assert.deepEqual(a, { a: 0, b: 1, c: 2 });
    const b = assignColors(a, ['c', 'd']);
    assert.deepEqual(b, { c: 2, d: 0 });
    assert.deepEqual(assignColors({ x: 1, y: 1 }, ['x', 'y']), { x: 1, y: 0 }, 'a clash is resolved');
  });

  it('init fills the UI state: runs to revive, colours, default smoothing; hidden runs that left are forgotten', () => {
    const ui = applyCompareInit({ ...restoreCompareUi(undefined), hidden: ['/abl/full', '/gone'] }, init([full, noTid]));
    assert.deepEqual(ui.runDirs, ['/abl/full', '/abl/no-tid']);
    assert.equal(ui.source, '/abl');
    assert.equal(ui.smoothing, 0.6);
    assert.deepEqual(ui.hidden, ['/abl/full']);
    assert.deepEqual(ui.colors, { '/abl/full': 0, '/abl/no-tid': 1 });
    assert.deepEqual(restoreCompareUi({ logScale: 'yes' }).logScale, false, 'an invalid saved state falls back to defaults');
  });

  it('loss lines: one per shown run; a run with the loss switched off is "off" (no points)', () => {
    const m = reduceCompare(initialCompareModel, init([full, noTid]));
    const ui = applyCompareInit(restoreCompareUi(undefined), init([full, noTid]));
    const lines = lossLines(m.runs, ui, 'TID');
    assert.deepEqual(
      lines.map((l) => [l.label, l.off, l.color]),
      [
        ['full', false, 0],
        ['no-tid', true, 1],
      ],
    );
    assert.ok(
      lines[1].raw.every((p) => p.y === null),
      'the off run draws only gaps',
    );
    assert.deepEqual(offLabels(lines), ['no-tid']);
    assert.equal(lines[0].latest, 0.2);
    assert.deepEqual(
      lossLines(m.runs, { ...ui, hidden: ['/abl/full'] }, 'TID').map((l) => l.label),
      ['no-tid'],
      'hidden runs are left out',
    );
  });

  it('accuracy and f-constancy come from evaluated records only', () => {
    assert.deepEqual(evalPoints(full.records, 'accuracy'), [
      { x: 20, y: 0.3 },
      { x: 40, y: 0.25 },
    ]);
    assert.equal(evalPoints(full.records, 'fConstancy').length, 2);
    const m = reduceCompare(initialCompareModel, init([full, { ...noTid, records: [rec(10, null)] }]));
    const ui = applyCompareInit(restoreCompareUi(undefined), init([full, noTid]));
    assert.deepEqual(
      evalLines(m.runs, ui, 'accuracy').map((l) => l.label),
      ['full'],
      'a run without evaluations has no accuracy line',
    );
  });

  it('results: final step, last and best accuracy (with its step), last f-constancy; the best is marked', () => {
    const r = runResults({ label: 'full', run: full.run, records: full.records, samples: [] });
    assert.deepEqual(r.lastAccuracy, { value: 0.25, step: 40 });
    assert.deepEqual(r.bestAccuracy, { value: 0.3, step: 20 });
    assert.equal(r.lastFConstancy?.step, 40);
    assert.equal(r.finalStep, 40);
    assert.equal(r.evaluations, 2);
    const rows = resultRows([full, noTid]);
    const row = (k: string) => rows.find((x) => x.key === k)!;
    assert.deepEqual(row('last accuracy').cells, ['25.0% @ 40', '35.0% @ 40']);
    assert.deepEqual(row('last accuracy').best, [1]);
    assert.deepEqual(row('best accuracy').cells, ['30.0% @ 20', '35.0% @ 40']);
    assert.deepEqual(row('last f-constancy').best, [1], 'lower f-constancy is better');
    assert.deepEqual(row('backend · device').cells, ['wasm · CPU', 'wasm · CPU']);
    const none = resultRows([{ ...full, records: [rec(1, 1)] }]);
    assert.deepEqual(none.find((x) => x.key === 'best accuracy')!.cells, ['—']);
  });

  it('config rows: only the keys that differ, one value per run', () => {
    const rows = configRows([full, noTid], false);
    assert.deepEqual(
      rows.map((r) => [r.key, ...r.cells]),
      [
        ['name', 'd-full', 'd-no-tid'],
        ['losses.tid', 'true', 'false'],
      ],
    );
    assert.equal(configRows([full, noTid], true).length, 4);
  });
});
