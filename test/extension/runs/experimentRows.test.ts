/** Rows of the experiments table from what a run folder holds (and the live trainer). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { experimentRow, MetricsCache, type RunRowFacts } from '../../../src/extension/runs/experimentRows';
import { initialLiveRun } from '../../../src/extension/runs/liveRunState';
import type { MetricsRecord } from '../../../src/shared/protocol';

const rec = (step: number, evalAcc?: number, metric?: 'identity'): MetricsRecord => ({
  step,
  loss: { D: 1, GANG: 1, CONST: 1, TID: 1, TV: null, G: 1 },
  msPerStep: 10,
  imgPerSec: 100,
  time: '',
  ...(evalAcc !== undefined ? { eval: { accuracy: evalAcc, fConstancy: 0.25, count: 100, ...(metric ? { metric } : {}) } } : {}),
});

const facts: RunRowFacts = {
  runDir: '/ws/.dtn/runs/20250101-120000-digits',
  info: {
    runId: '20250101-120000-digits',
    status: 'completed',
    createdAt: '2025-01-01T12:00:00.000Z',
    updatedAt: '2025-01-01T12:10:30.000Z',
    totalSteps: 100,
    lastStep: 100,
    backend: 'wasm',
    device: 'CPU',
    best: { step: 50, accuracy: 0.8, checkpoint: 'checkpoints/step-00000050' },
  },
  records: [rec(50, 0.8), rec(100, 0.7), rec(101)],
  label: { name: 'baseline', notes: 'first try' },
  config: { seed: 1, 'train.steps': 100 },
  state: { status: 'completed' },
  now: new Date('2025-01-02T00:00:00.000Z'),
};

describe('experiment rows', () => {
  it('a finished run: its name, best and newest evaluation, duration from start to its last update, config', () => {
    assert.deepEqual(experimentRow(facts), {
      runDir: facts.runDir,
      id: '20250101-120000-digits',
      name: 'baseline',
      notes: 'first try',
      status: 'completed',
      managed: false,
      lastStep: 101,
      totalSteps: 100,
      best: { step: 50, accuracy: 0.8 },
      last: { step: 100, accuracy: 0.7, fConstancy: 0.25, metric: 'translation' },
      backend: 'wasm',
      device: 'CPU',
      startedAt: '2025-01-01T12:00:00.000Z',
      durationMs: 630_000,
      config: { seed: 1, 'train.steps': 100 },
    });
  });

  it('an old folder without a label shows its id; a faces run says its accuracy is identity', () => {
    const row = experimentRow({ ...facts, label: undefined, records: [rec(10, 0.1, 'identity')] });
    assert.equal(row.name, '20250101-120000-digits');
    assert.equal(row.notes, undefined);
    assert.equal(row.last?.metric, 'identity');
  });

  it("a run this window trains is live: the trainer's step, and its clock runs to now", () => {
    const live = { ...initialLiveRun(facts.runDir), phase: 'training' as const, step: 120, totalSteps: 400 };
    const row = experimentRow({ ...facts, info: { ...facts.info, status: 'running' }, live, state: { status: 'running' } });
    assert.equal(row.status, 'running');
    assert.equal(row.managed, true);
    assert.equal(row.lastStep, 120);
    assert.equal(row.totalSteps, 400);
    assert.equal(row.durationMs, facts.now.getTime() - Date.parse('2025-01-01T12:00:00.000Z'));
  });

  it('a run whose trainer died reads as interrupted', () => {
    const row = experimentRow({ ...facts, info: { ...facts.info, status: 'running' }, state: { status: 'interrupted' } });
    assert.equal(row.status, 'interrupted');
  });

  it('MetricsCache parses metrics.jsonl again only when it changed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-rows-'));
    try {
      const file = path.join(dir, 'metrics.jsonl');
      const cache = new MetricsCache();
      assert.deepEqual(cache.records(dir), []);
      fs.writeFileSync(file, `${JSON.stringify(rec(1))}\n`);
      const first = cache.records(dir);
      assert.equal(first.length, 1);
      assert.equal(cache.records(dir), first, 'the same array: not parsed again');
      fs.appendFileSync(file, `${JSON.stringify(rec(2))}\n`);
      assert.deepEqual(
        cache.records(dir).map((r) => r.step),
        [1, 2],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
