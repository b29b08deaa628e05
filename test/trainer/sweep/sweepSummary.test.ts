import { strict as assert } from 'node:assert';
import { parseConfig } from '../../../src/shared/config';
import { PRESETS } from '../../../src/shared/presets';
import type { MetricsRecord } from '../../../src/shared/protocol';
import { SweepFileSchema, type SweepFile } from '../../../src/shared/sweep';
import { stat, summarizeSweep, summaryCsv, summaryMarkdown } from '../../../src/trainer/sweep/sweepSummary';

function record(step: number, accuracy?: number): MetricsRecord {
  return {
    step,
    loss: { D: 1, GANG: 1, CONST: 1, TID: 1, TV: null, G: 1 },
    msPerStep: 1,
    imgPerSec: 1,
    time: '2026-01-01T00:00:00Z',
    ...(accuracy === undefined ? {} : { eval: { metric: 'translation' as const, accuracy, fConstancy: 0.1, count: 10 } }),
  };
}

function sweepFile(): SweepFile {
  return SweepFileSchema.parse({
    kind: 'dtn-sweep',
    version: 1,
    id: 's',
    createdAt: 't',
    updatedAt: 't',
    base: { preset: 'digits-quick' },
    baseConfig: parseConfig(PRESETS['digits-quick']),
    seeds: [1, 2, 3],
    variants: [
      { id: 'emaDecay=0', overrides: [{ key: 'train.emaDecay', value: 0 }] },
      { id: 'emaDecay=0.99', overrides: [{ key: 'train.emaDecay', value: 0.99 }] },
      { id: 'emaDecay=0.9', overrides: [{ key: 'train.emaDecay', value: 0.9 }] },
    ],
    runs: [
      { name: 'a1', variant: 0, seed: 1, state: 'completed' },
      { name: 'a2', variant: 0, seed: 2, state: 'completed' },
      { name: 'a3', variant: 0, seed: 3, state: 'stopped' },
      { name: 'b1', variant: 1, seed: 1, state: 'completed' },
      { name: 'b2', variant: 1, seed: 2, state: 'failed', error: { code: 'TRAINING_DIVERGED', message: 'loss G | NaN' } },
      { name: 'b3', variant: 1, seed: 3, state: 'pending' },
      { name: 'c1', variant: 2, seed: 1, state: 'pending' },
    ],
  });
}

const METRICS: Record<string, MetricsRecord[]> = {
  // Logged steps without an evaluation do not count.
  a1: [record(10), record(100, 0.2), record(150), record(200, 0.5)],
  a2: [record(100, 0.4), record(200, 0.3)],
  // Stopped after its first evaluation; a resumed run rewrote step 100: the later record counts.
  a3: [record(100, 0.9), record(100, 0.6)],
  b1: [record(100, 0.1), record(200, 0.7)],
  b2: [record(10)],
};

describe('sweep/sweepSummary', () => {
  const summary = summarizeSweep(sweepFile(), (r) => METRICS[r.name] ?? []);

  it('mean, minimum and maximum over the seeds at each evaluation step', () => {
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);
    const [a, b, c] = summary;
    assert.deepEqual(
      a.steps.map((s) => [s.step, s.n]),
      [
        [100, 3],
        [200, 2],
      ],
    );
    close(a.steps[0].mean, (0.2 + 0.4 + 0.6) / 3);
    assert.equal(a.steps[0].min, 0.2);
    assert.equal(a.steps[0].max, 0.6);
    close(a.steps[1].mean, 0.4);
    // Last: each run's last evaluation (a3's is at step 100); best: each run's highest.
    close(a.last!.mean, (0.5 + 0.3 + 0.6) / 3);
    assert.deepEqual(a.last!.steps, [100, 200]);
    assert.equal(a.best!.min, 0.4);
    assert.equal(a.best!.max, 0.6);
    close(a.best!.mean, (0.5 + 0.4 + 0.6) / 3);
    // A variant whose other runs have no evaluation: one run's numbers.
    assert.deepEqual(
      b.steps.map((s) => [s.step, s.n, s.mean]),
      [
        [100, 1, 0.1],
        [200, 1, 0.7],
      ],
    );
    assert.equal(c.steps.length, 0);
    assert.equal(c.last, undefined);
    assert.equal(stat([]), undefined);
  });

  it('writes the tables: percentages in Markdown, fractions in CSV, the failed runs named', () => {
    const md = summaryMarkdown(sweepFile(), summary);
    assert.match(md, /3 variants × 3 seeds = 7 runs \(2 pending, 3 completed, 1 stopped, 1 failed\)/);
    assert.match(md, /\| emaDecay=0 \| 3 \| 2 \| 46\.7% \(30\.0%–60\.0%\) \| 100, 200 \| 50\.0% \(40\.0%–60\.0%\) \|/);
    assert.match(md, /\| emaDecay=0 \| 100 \| 3 \| 40\.0% \| 20\.0% \| 60\.0% \|/);
    assert.match(md, /\| emaDecay=0\.9 \| 1 \| 0 \| – \| – \| – \|/);
    assert.match(md, /## Failed runs[\s\S]*\| b2 \| emaDecay=0\.99 \| 2 \| TRAINING_DIVERGED \| loss G \\\| NaN \|/);
    assert.match(md, /3 runs are not finished: `dtn sweep --resume/);

    const rows = summaryCsv(summary).trim().split('\n');
    assert.equal(rows[0], 'variant,overrides,kind,step,seeds,mean,min,max');
    const mean100 = (0.2 + 0.4 + 0.6) / 3;
    assert.ok(rows.includes(`emaDecay=0,"{""train.emaDecay"":0}",step,100,3,${mean100},0.2,0.6`), rows.join('\n'));
    assert.ok(rows.includes('emaDecay=0,"{""train.emaDecay"":0}",best,,3,0.5,0.4,0.6'), rows.join('\n'));
    assert.ok(rows.includes('emaDecay=0.99,"{""train.emaDecay"":0.99}",last,200,1,0.7,0.7,0.7'), rows.join('\n'));
    assert.equal(rows.filter((r) => r.startsWith('emaDecay=0.9,')).length, 0, 'no rows for a variant without evaluations');
  });
});
