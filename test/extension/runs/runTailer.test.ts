/** Following a run folder on disk: incremental metrics, torn lines, rewrites, samples, run.json. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MetricsRecord } from '../../../src/shared/protocol';
import { listRunDirs, newRunId } from '../../../src/shared/node/runFiles';
import { RunTailer, type TailEvent } from '../../../src/extension/runs/runTailer';
import { RunFeeds } from '../../../src/extension/runs/runFeeds';

const rec = (step: number): MetricsRecord => ({
  step,
  loss: { D: 1, GANG: 2, CONST: 0.5, TID: 0.25, TV: null, G: 9 },
  msPerStep: 10,
  imgPerSec: 100,
  time: new Date(0).toISOString(),
});
const line = (step: number) => `${JSON.stringify(rec(step))}\n`;

describe('RunTailer', () => {
  let dir: string;
  let tailer: RunTailer | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-tail-'));
    fs.mkdirSync(path.join(dir, 'samples'));
  });
  afterEach(() => {
    tailer?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function events(t: RunTailer): TailEvent[] {
    const out: TailEvent[] = [];
    t.onEvent((e) => out.push(e));
    return out;
  }

  it('reads the existing history, then only what is appended', () => {
    const metrics = path.join(dir, 'metrics.jsonl');
    fs.writeFileSync(metrics, line(1) + line(2) + 'garbage\n');
    tailer = new RunTailer(dir, 60_000);
    assert.deepEqual(
      tailer.snapshot().records.map((r) => r.step),
      [1, 2],
      'malformed lines skipped',
    );
    const got = events(tailer);
    fs.appendFileSync(metrics, line(3));
    tailer.poke();
    assert.deepEqual(got, [{ kind: 'records', records: [rec(3)] }]);
    tailer.poke();
    assert.equal(got.length, 1, 'nothing new, no event');
  });

  it('holds back a torn last line until it is complete', () => {
    const metrics = path.join(dir, 'metrics.jsonl');
    tailer = new RunTailer(dir, 60_000);
    const got = events(tailer);
    const l = line(1);
    fs.writeFileSync(metrics, l.slice(0, 20));
    tailer.poke();
    assert.equal(got.length, 0);
    fs.appendFileSync(metrics, l.slice(20) + line(2));
    tailer.poke();
    assert.deepEqual(got, [{ kind: 'records', records: [rec(1), rec(2)] }]);
  });

  it('a rewritten (shorter) metrics file is a reset with the whole history', () => {
    const metrics = path.join(dir, 'metrics.jsonl');
    fs.writeFileSync(metrics, line(1) + line(2) + line(3) + line(4));
    tailer = new RunTailer(dir, 60_000);
    const got = events(tailer);
    fs.writeFileSync(metrics, line(1) + line(2)); // a resume from step 2 truncates
    tailer.poke();
    assert.equal(got[0].kind, 'reset');
    assert.deepEqual(got[0].kind === 'reset' && got[0].records.map((r) => r.step), [1, 2]);
  });

  it('reports new sample grids and run.json changes', () => {
    tailer = new RunTailer(dir, 60_000);
    const got = events(tailer);
    fs.writeFileSync(path.join(dir, 'samples', 'step-00000000.png'), 'png');
    fs.writeFileSync(path.join(dir, 'samples', 'step-00000050.png.tmp-1'), 'partial');
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ runId: 'r', status: 'running', totalSteps: 10, lastStep: 0 }));
    tailer.poke();
    const samples = got.find((e) => e.kind === 'samples');
    assert.deepEqual(samples?.kind === 'samples' && samples.samples.map((s) => s.step), [0], 'temporary files ignored');
    const info = got.find((e) => e.kind === 'info');
    assert.equal(info?.kind === 'info' && info.info?.status, 'running');
  });

  it('polls on its own once started', async () => {
    tailer = new RunTailer(dir, 30);
    const got = events(tailer);
    tailer.start();
    fs.writeFileSync(path.join(dir, 'metrics.jsonl'), line(7));
    await new Promise((r) => setTimeout(r, 120));
    assert.deepEqual(
      got.filter((e) => e.kind === 'records').flatMap((e) => (e.kind === 'records' ? e.records.map((r) => r.step) : [])),
      [7],
    );
  });
});

describe('RunFeeds and run folders', () => {
  it('shares one tailer per run folder and disposes it with its last user', () => {
    const feeds = new RunFeeds(60_000);
    const a = feeds.acquire('/tmp/does-not-exist-run');
    const b = feeds.acquire('/tmp/does-not-exist-run/');
    assert.equal(a.tailer, b.tailer);
    a.release();
    a.release(); // idempotent
    const c = feeds.acquire('/tmp/does-not-exist-run');
    assert.equal(c.tailer, b.tailer);
    b.release();
    c.release();
    assert.notEqual(feeds.acquire('/tmp/does-not-exist-run').tailer, a.tailer);
    feeds.dispose();
  });

  it('lists run folders newest first and names new ones like the trainer', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-runs-'));
    try {
      for (const [name, t] of [
        ['a', 1000],
        ['b', 3000],
        ['c', 2000],
      ] as const) {
        fs.mkdirSync(path.join(root, name));
        fs.writeFileSync(path.join(root, name, 'run.json'), '{}');
        fs.utimesSync(path.join(root, name), t, t);
      }
      fs.mkdirSync(path.join(root, 'not-a-run'));
      assert.deepEqual(
        listRunDirs(root).map((d) => path.basename(d)),
        ['b', 'c', 'a'],
      );
      assert.equal(newRunId('my cfg', new Date('2025-03-04T05:06:07.890Z')), '20250304-050607-my_cfg');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
