import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MetricsRecord } from '../../../src/shared/protocol';
import { RUN_FILES } from '../../../src/shared/node/runLayout';
import { appendMetrics, newRunId, readMetrics, readRunInfo, truncateMetricsAfter, writeJson } from '../../../src/trainer/run/runDir';
import { cleanTempDirs, tempDir } from '../data/tmp';

const record = (step: number, G: number | null = step / 10): MetricsRecord => ({
  step,
  loss: { D: 1, GANG: null, CONST: 0.5, TID: 0.25, TV: null, G },
  msPerStep: 12,
  imgPerSec: 300,
  time: '2024-01-01T00:00:00.000Z',
});

describe('run directory', () => {
  after(cleanTempDirs);

  it('newRunId is a sortable UTC timestamp plus a file-safe name', () => {
    const id = newRunId('my run/../x', new Date(Date.UTC(2024, 2, 5, 7, 8, 9, 123)));
    // ' ' and '/../' are each one run of unsafe characters: one '_' each.
    assert.equal(id, '20240305-070809-my_run_x');
    assert.ok(!id.includes('/'));
    assert.ok(newRunId('a', new Date(Date.UTC(2024, 0, 1))) < newRunId('a', new Date(Date.UTC(2024, 0, 2))));
  });

  it('metrics round-trip through metrics.jsonl, one JSON object per line', () => {
    const dir = tempDir('dtn-run-');
    assert.deepEqual(readMetrics(dir), [], 'no file yet');
    appendMetrics(dir, record(1));
    appendMetrics(dir, record(2, null));
    assert.deepEqual(readMetrics(dir), [record(1), record(2, null)]);
    const lines = fs.readFileSync(path.join(dir, RUN_FILES.metrics), 'utf8').split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
  });

  it('readMetrics skips a torn last line and malformed lines, keeping the rest', () => {
    const dir = tempDir('dtn-run-');
    appendMetrics(dir, record(1));
    fs.appendFileSync(path.join(dir, RUN_FILES.metrics), '{"step": 2, "loss": {"D": 1}}\nnot json\n\n');
    appendMetrics(dir, record(3));
    fs.appendFileSync(path.join(dir, RUN_FILES.metrics), JSON.stringify(record(4)).slice(0, 30));
    assert.deepEqual(
      readMetrics(dir).map((r) => r.step),
      [1, 3],
    );
  });

  it('truncateMetricsAfter drops the records a resume will train again (and torn lines)', () => {
    const dir = tempDir('dtn-run-');
    for (const s of [1, 2, 3, 4, 5]) appendMetrics(dir, record(s));
    fs.appendFileSync(path.join(dir, RUN_FILES.metrics), '{"step": 6, "lo');
    truncateMetricsAfter(dir, 3);
    assert.deepEqual(readMetrics(dir), [record(1), record(2), record(3)]);
    appendMetrics(dir, record(4));
    assert.deepEqual(
      readMetrics(dir).map((r) => r.step),
      [1, 2, 3, 4],
      'appends start on a fresh line',
    );
    truncateMetricsAfter(tempDir('dtn-run-'), 3); // no file: nothing to do, no error
  });

  it('writeJson/readRunInfo round-trip run.json atomically', () => {
    const dir = tempDir('dtn-run-');
    assert.equal(readRunInfo(dir), undefined);
    const info = { runId: 'r', status: 'running', seed: 3 };
    writeJson(dir, RUN_FILES.run, info);
    assert.deepEqual(readRunInfo(dir), info);
    assert.deepEqual(fs.readdirSync(dir), [RUN_FILES.run]);
    assert.ok(fs.readFileSync(path.join(dir, RUN_FILES.run), 'utf8').endsWith('}\n'));
  });
});
