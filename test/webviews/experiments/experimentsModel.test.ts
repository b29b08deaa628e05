/** The experiments table's logic (no DOM): columns, filter, sort, selection and which actions are on. */
import * as assert from 'node:assert/strict';
import type { ExperimentRow } from '../../../src/shared/webviewProtocol';
import {
  columnsFor,
  DEFAULT_TABLE_UI,
  filterRows,
  pruneSelection,
  restoreTableUi,
  sortBy,
  tableActions,
  toggleAll,
  toggleSelected,
  visibleRows,
  type TableUi,
} from '../../../src/webviews/experiments/experimentsModel';

const row = (id: string, extra: Partial<ExperimentRow> = {}): ExperimentRow => ({
  runDir: `/ws/.dtn/runs/${id}`,
  id,
  name: id,
  status: 'completed',
  managed: false,
  lastStep: 100,
  totalSteps: 100,
  backend: 'wasm',
  config: { name: 'digits', seed: 1, 'train.steps': 100, 'losses.tid': true },
  ...extra,
});

const a = row('20250101-a', {
  name: 'baseline',
  notes: 'the paper settings',
  startedAt: '2025-01-01T10:00:00Z',
  best: { step: 100, accuracy: 0.9 },
  last: { step: 100, accuracy: 0.85, fConstancy: 0.1, metric: 'translation' },
  durationMs: 60_000,
});
const b = row('20250102-b', {
  name: 'no TID',
  startedAt: '2025-01-02T10:00:00Z',
  best: { step: 50, accuracy: 0.4 },
  last: { step: 100, accuracy: 0.3, fConstancy: 0.4, metric: 'translation' },
  backend: 'webgpu',
  durationMs: 30_000,
  config: { name: 'digits', seed: 2, 'train.steps': 100, 'losses.tid': false },
});
const c = row('20250103-c', {
  name: 'long run',
  status: 'running',
  managed: true,
  lastStep: 40,
  totalSteps: 1000,
  startedAt: '2025-01-03T10:00:00Z',
  config: { name: 'digits', seed: 1, 'train.steps': 1000, 'losses.tid': true },
});
const rows = [a, b, c];
const ids = (rs: ExperimentRow[]) => rs.map((r) => r.id);

describe('experiments table model', () => {
  it('has the fixed columns, then one per config field that differs (and none for those all runs share)', () => {
    const cols = columnsFor(rows);
    assert.deepEqual(
      cols.filter((x) => !x.config).map((x) => x.id),
      ['name', 'status', 'steps', 'best', 'last', 'fconst', 'backend', 'duration', 'started'],
    );
    assert.deepEqual(
      cols.filter((x) => x.config).map((x) => x.title),
      ['seed', 'train.steps', 'losses.tid'],
    );
    const seed = cols.find((x) => x.title === 'seed')!;
    assert.equal(seed.numeric, true);
    assert.equal(seed.text(b), '2');
    const best = cols.find((x) => x.id === 'best')!;
    assert.equal(best.text(a), '90.0% @100');
    assert.equal(best.text(c), '–');
    assert.equal(cols.find((x) => x.id === 'status')!.text(c), 'training');
    assert.equal(cols.find((x) => x.id === 'steps')!.text(c), '40 / 1000');
  });

  it('newest first by default; a header click sorts by it (numbers largest first), again turns it round', () => {
    const cols = columnsFor(rows);
    assert.deepEqual(ids(visibleRows(rows, cols, DEFAULT_TABLE_UI)), ['20250103-c', '20250102-b', '20250101-a']);
    const best = cols.find((x) => x.id === 'best')!;
    let ui = sortBy(DEFAULT_TABLE_UI, best);
    assert.deepEqual(ui.sort, { column: 'best', descending: true });
    // A run with no evaluation yet sorts last, whichever the direction.
    assert.deepEqual(ids(visibleRows(rows, cols, ui)), ['20250101-a', '20250102-b', '20250103-c']);
    ui = sortBy(ui, best);
    assert.deepEqual(ids(visibleRows(rows, cols, ui)), ['20250102-b', '20250101-a', '20250103-c']);
    const name = cols.find((x) => x.id === 'name')!;
    ui = sortBy(ui, name);
    assert.deepEqual(ui.sort, { column: 'name', descending: false });
    assert.deepEqual(
      visibleRows(rows, cols, ui).map((r) => r.name),
      ['baseline', 'long run', 'no TID'],
    );
    const tid = cols.find((x) => x.title === 'losses.tid')!;
    assert.deepEqual(ids(visibleRows(rows, cols, sortBy(ui, tid))), ['20250102-b', '20250103-c', '20250101-a']);
  });

  it('filters by words (name, id, notes, status, backend) and by fields: text, exact values and number ranges', () => {
    assert.deepEqual(ids(filterRows(rows, 'paper')), ['20250101-a'], 'a word in the notes');
    assert.deepEqual(ids(filterRows(rows, 'TID')), ['20250102-b'], 'any case');
    assert.deepEqual(ids(filterRows(rows, 'webgpu')), ['20250102-b']);
    assert.deepEqual(ids(filterRows(rows, 'training')), ['20250103-c'], 'a live run is "training"');
    assert.deepEqual(ids(filterRows(rows, 'status:complet')), ['20250101-a', '20250102-b']);
    assert.deepEqual(ids(filterRows(rows, 'best>50')), ['20250101-a'], 'accuracies in percent');
    assert.deepEqual(ids(filterRows(rows, 'best<=40%')), ['20250102-b']);
    assert.deepEqual(ids(filterRows(rows, 'seed=2')), ['20250102-b'], 'a config key by its last part');
    assert.deepEqual(ids(filterRows(rows, 'train.steps>=1000')), ['20250103-c'], 'a config key in full');
    assert.deepEqual(ids(filterRows(rows, 'losses.tid=false')), ['20250102-b']);
    assert.deepEqual(ids(filterRows(rows, 'seed=1 digits')), [], 'every term must hold ("digits" is in no name)');
    assert.deepEqual(ids(filterRows(rows, 'seed=1 status:running')), ['20250103-c']);
    assert.deepEqual(ids(filterRows(rows, 'nosuchkey=1')), [], 'an unknown field matches nothing');
    assert.deepEqual(ids(filterRows(rows, '  ')), ids(rows));
  });

  it('selection: rows toggle, the header box selects the shown rows (or clears them), deleted runs drop out', () => {
    let ui: TableUi = toggleSelected(DEFAULT_TABLE_UI, a.runDir);
    assert.deepEqual(ui.selected, [a.runDir]);
    ui = toggleAll(ui, [a, b]);
    assert.deepEqual(ui.selected, [a.runDir, b.runDir]);
    ui = toggleAll(ui, [a, b]);
    assert.deepEqual(ui.selected, []);
    ui = toggleAll(ui, rows);
    assert.deepEqual(pruneSelection(ui, [a, c]).selected, [a.runDir, c.runDir]);
    assert.equal(pruneSelection(toggleSelected(DEFAULT_TABLE_UI, a.runDir), rows).selected.length, 1);
  });

  it('Open and Rename need one run, Compare two or more, Delete refuses a live run and says why', () => {
    const pick = (...rs: ExperimentRow[]) => tableActions({ ...DEFAULT_TABLE_UI, selected: rs.map((r) => r.runDir) }, rows);
    assert.deepEqual(pick(), { open: false, rename: false, compare: false, delete: false });
    assert.deepEqual(pick(a), { open: true, rename: true, compare: false, delete: true });
    assert.deepEqual(pick(a, b), { open: false, rename: false, compare: true, delete: true });
    const live = pick(a, c);
    assert.equal(live.delete, false);
    assert.match(live.deleteHint ?? '', /long run is training/);
  });

  it('restores its saved state, and falls back to the defaults for a state it cannot read', () => {
    const saved: TableUi = { sort: { column: 'best', descending: false }, filter: 'seed=2', selected: [a.runDir] };
    assert.deepEqual(restoreTableUi(JSON.parse(JSON.stringify(saved))), saved);
    assert.deepEqual(restoreTableUi({ sort: 'best' }), DEFAULT_TABLE_UI);
    assert.deepEqual(restoreTableUi(undefined), DEFAULT_TABLE_UI);
  });
});
