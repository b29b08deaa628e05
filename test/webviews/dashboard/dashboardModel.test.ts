/** The dashboard webview's state logic (no DOM). */
import * as assert from 'node:assert/strict';
import type { MetricsRecord } from '../../../src/shared/protocol';
import type { RunSummary } from '../../../src/shared/webviewProtocol';
import {
  accuracyMeaning,
  accuracySeries,
  applyInit,
  headline,
  initialModel,
  reduceDashboard,
  restoreUiState,
} from '../../../src/webviews/dashboard/dashboardModel';
import { lossSeries, mergeRecords, smooth } from '../../../src/webviews/common/metricSeries';

const rec = (step: number, G: number | null = step, extra: Partial<MetricsRecord> = {}): MetricsRecord => ({
  step,
  loss: { D: 1, GANG: 1, CONST: 1, TID: 1, TV: null, G },
  msPerStep: 100,
  imgPerSec: 80,
  time: '',
  ...extra,
});
const run: RunSummary = { runId: 'r1', runDir: '/runs/r1', status: 'running', managed: true, totalSteps: 100, lastStep: 0 };

describe('dashboard model', () => {
  it('init replaces, records append, records of another run are dropped', () => {
    let m = reduceDashboard(initialModel, { type: 'init', run, records: [rec(2), rec(1)], smoothing: 0.6 });
    assert.deepEqual(
      m.records.map((r) => r.step),
      [1, 2],
      'sorted',
    );
    m = reduceDashboard(m, { type: 'records', runId: 'r1', records: [rec(3), rec(4)] });
    assert.deepEqual(
      m.records.map((r) => r.step),
      [1, 2, 3, 4],
    );
    const same = reduceDashboard(m, { type: 'records', runId: 'other', records: [rec(5)] });
    assert.equal(same, m);
    m = reduceDashboard(m, { type: 'init', run: { ...run, runId: 'r2', runDir: '/runs/r2' }, records: [rec(1)], smoothing: 0.6 });
    assert.deepEqual(
      m.records.map((r) => r.step),
      [1],
    );
    m = reduceDashboard(m, { type: 'empty' });
    assert.deepEqual(m, { records: [], empty: true });
  });

  it('merges overlapping records by step, the newer winning (a resumed run)', () => {
    const merged = mergeRecords([rec(1, 10), rec(2, 20), rec(3, 30)], [rec(3, 33), rec(4, 40)]);
    assert.deepEqual(
      merged.map((r) => [r.step, r.loss.G]),
      [
        [1, 10],
        [2, 20],
        [3, 33],
        [4, 40],
      ],
    );
  });

  it('run updates apply only to the run shown', () => {
    const m = reduceDashboard(initialModel, { type: 'init', run, records: [], smoothing: 0 });
    assert.equal(reduceDashboard(m, { type: 'run', run: { ...run, status: 'completed' } }).run?.status, 'completed');
    assert.equal(reduceDashboard(m, { type: 'run', run: { ...run, runDir: '/elsewhere', status: 'failed' } }).run?.status, 'running');
  });

  it('smoothing: debiased EMA, gaps stay gaps', () => {
    assert.deepEqual(smooth([1, 2, 3], 0), [1, 2, 3]);
    const s = smooth([10, 10, null, 10], 0.9);
    assert.ok(Math.abs(s[0]! - 10) < 1e-9, 'no bias towards zero at the start');
    assert.equal(s[2], null);
    assert.ok(Math.abs(s[3]! - 10) < 1e-9);
    const noisy = smooth([0, 10, 0, 10, 0, 10], 0.8);
    assert.ok(Math.max(...noisy.slice(2).map(Number)) - Math.min(...noisy.slice(2).map(Number)) < 10, 'smoothed varies less');
  });

  it('loss series: log scale hides non-positive values; a switched-off loss is "off"', () => {
    const records = [rec(1, 0), rec(2, 4)];
    assert.deepEqual(lossSeries(records, 'G', 0, true).raw, [
      { x: 1, y: null },
      { x: 2, y: 4 },
    ]);
    assert.deepEqual(lossSeries(records, 'G', 0, false).raw, [
      { x: 1, y: 0 },
      { x: 2, y: 4 },
    ]);
    assert.equal(lossSeries(records, 'TV', 0.5, false).off, true);
    assert.equal(lossSeries(records, 'G', 0.5, false).latest, 4);
  });

  it('accuracy points come from evaluated records only', () => {
    const records = [rec(1), rec(2, 1, { eval: { accuracy: 0.5, fConstancy: 0.1, count: 10 } })];
    assert.deepEqual(accuracySeries(records), [{ x: 2, y: 0.5 }]);
  });

  it("faces runs' accuracy is the identity metric, shown with its median rank; older records mean translation accuracy", () => {
    const digits = [rec(2, 1, { eval: { accuracy: 0.5, fConstancy: 0.1, count: 10 } })];
    assert.deepEqual(accuracyMeaning(digits), { metric: 'translation' });
    const faces = [rec(2, 1, { eval: { metric: 'identity', accuracy: 0.75, medianRank: 1, fConstancy: 0.1, count: 8 } })];
    assert.deepEqual(accuracyMeaning(faces), { metric: 'identity', medianRank: 1 });
  });

  it('headline: progress, throughput, ETA only while running', () => {
    let m = reduceDashboard(initialModel, { type: 'init', run, records: [rec(10), rec(20)], smoothing: 0 });
    const h = headline(m)!;
    assert.equal(h.step, 20);
    assert.equal(h.progress, 0.2);
    assert.equal(h.etaMs, 80 * 100);
    m = reduceDashboard(m, { type: 'run', run: { ...run, status: 'completed', lastStep: 20 } });
    assert.equal(headline(m)!.etaMs, undefined);
  });

  it('headline: the best evaluation and the newest evaluated checkpoint, when the run has them', () => {
    const plain = reduceDashboard(initialModel, { type: 'init', run, records: [rec(10)], smoothing: 0 });
    assert.deepEqual([headline(plain)!.best, headline(plain)!.evaluated], [undefined, undefined]);
    const evaluations = [
      { step: 40, accuracy: 0.6, fConstancy: 0.2 },
      { step: 20, accuracy: 0.7, fConstancy: 0.1 },
    ];
    const scored = { ...run, best: { step: 20, accuracy: 0.7 }, evaluations };
    const h = headline(reduceDashboard(initialModel, { type: 'init', run: scored, records: [rec(10)], smoothing: 0 }))!;
    assert.deepEqual([h.best, h.evaluated], [{ step: 20, accuracy: 0.7 }, evaluations[0]]);
  });

  it('UI state: restored when valid, defaults otherwise; the host default smoothing fills in', () => {
    assert.deepEqual(restoreUiState(undefined), { logScale: false });
    assert.deepEqual(restoreUiState({ smoothing: 'lots', logScale: 1 }), { logScale: false });
    const saved = restoreUiState({ runDir: '/runs/r1', smoothing: 0.3, logScale: true });
    assert.deepEqual(saved, { runDir: '/runs/r1', smoothing: 0.3, logScale: true });
    const init = { type: 'init' as const, run, records: [], smoothing: 0.8 };
    assert.equal(applyInit(saved, init).smoothing, 0.3, "the user's choice stays");
    assert.equal(applyInit(restoreUiState(undefined), init).smoothing, 0.8);
  });
});
