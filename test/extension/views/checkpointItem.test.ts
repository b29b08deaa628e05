/** A checkpoint row of the Runs view, from the files of its run. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ago, checkpointFacts, describeCheckpoint, formatBytes } from '../../../src/extension/views/checkpointItem';
import { checkpointPath, checkpointRelPath, evalReportPath } from '../../../src/shared/node/runLayout';
import type { MetricsRecord } from '../../../src/shared/protocol';

describe('checkpoint items', () => {
  let run: string;
  before(() => {
    run = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-item-'));
    for (const step of [2, 4]) {
      fs.mkdirSync(checkpointPath(run, step), { recursive: true });
      fs.writeFileSync(path.join(checkpointPath(run, step), 'manifest.json'), '{}');
      fs.writeFileSync(path.join(checkpointPath(run, step), 'tensors.bin'), Buffer.alloc(2046));
    }
    fs.mkdirSync(path.dirname(evalReportPath(run, 4)), { recursive: true });
    const translation = { accuracy: 0.8125, fConstancy: 0.0123, count: 64, confusion: [[1]] };
    fs.writeFileSync(evalReportPath(run, 4), JSON.stringify({ step: 4, runDir: run, translation }));
  });
  after(() => fs.rmSync(run, { recursive: true, force: true }));

  const info = { best: { step: 2, accuracy: 0.5, checkpoint: checkpointRelPath(2) } };
  const records = [{ step: 2, eval: { accuracy: 0.5, fConstancy: 0.2, count: 8 } }] as MetricsRecord[];

  it('the best: a star, its own context value, the score training logged', () => {
    const f = checkpointFacts(run, { step: 2, path: checkpointPath(run, 2) }, info, records);
    assert.equal(f.bytes, 2048);
    assert.ok(f.time);
    const t = describeCheckpoint(f, new Date(f.time!.getTime() + 5 * 60_000));
    assert.deepEqual([t.label, t.icon, t.contextValue], ['step 2', 'star-full', 'dtnCheckpointBest']);
    assert.equal(t.description, 'best · 50.0% (training) · 5 min ago · 2.0 KB');
    assert.match(t.tooltip, /best checkpoint/);
    assert.match(t.tooltip, /evaluated during training/);
  });

  it('an evaluated checkpoint: the dtn eval report, accuracy and f-constancy', () => {
    const t = describeCheckpoint(checkpointFacts(run, { step: 4, path: checkpointPath(run, 4) }, info, records));
    assert.deepEqual([t.icon, t.contextValue], ['save', 'dtnCheckpoint']);
    assert.match(t.description, /^81\.3% · just now · 2\.0 KB$/);
    assert.match(t.tooltip, /translation accuracy 81\.3% · f-constancy 1\.23e-2 \(64 held-out images, dtn eval\)/);
  });

  it('one that was never evaluated, from an old run without best', () => {
    const f = checkpointFacts(run, { step: 4, path: checkpointPath(run, 4) });
    fs.rmSync(evalReportPath(run, 4));
    const t = describeCheckpoint(checkpointFacts(run, { step: 4, path: checkpointPath(run, 4) }, {}));
    assert.ok(f.scores, 'read before the report was removed');
    assert.match(t.tooltip, /not evaluated yet/);
    assert.doesNotMatch(t.description, /%/);
  });

  it('sizes and ages read short', () => {
    assert.deepEqual([formatBytes(10), formatBytes(1536), formatBytes(30 * 1024 * 1024)], ['10 B', '1.5 KB', '30 MB']);
    assert.deepEqual([ago(10_000), ago(3 * 3600_000), ago(72 * 3600_000)], ['just now', '3 h ago', '3 d ago']);
  });
});
