import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MetricsRecord } from '../../../src/shared/protocol';
import { DEFAULT_RUN_ROOT, RUN_FILES } from '../../../src/shared/node/runLayout';
import { readRunLabel, updateRunLabel } from '../../../src/shared/node/runLabelFile';
import { defaultRunName } from '../../../src/shared/runLabel';
import { RunFolder } from '../../../src/trainer/run/runFolder';
import { Dtn } from '../../../src/trainer/dtn/dtn';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { runInfo, scaledEncoder, tinyConfig } from '../helpers';

const record = (step: number, G: number | null = step / 10): MetricsRecord => ({
  step,
  loss: { D: 1, GANG: null, CONST: 0.5, TID: 0.25, TV: null, G },
  msPerStep: 12,
  imgPerSec: 300,
  time: '2024-01-01T00:00:00.000Z',
});

describe('RunFolder', () => {
  after(cleanTempDirs);

  it('fresh() names a folder under .dtn/runs after the config, and creates nothing', () => {
    const folder = RunFolder.fresh('my run');
    assert.equal(path.dirname(folder.dir), path.resolve(DEFAULT_RUN_ROOT));
    assert.match(folder.id, /^\d{8}-\d{6}-my_run$/);
    assert.ok(!fs.existsSync(folder.dir));
  });

  it('create() writes config.json and run.json and makes samples/ and checkpoints/', () => {
    const folder = new RunFolder(path.join(tempDir('dtn-run-'), 'r'));
    const config = tinyConfig();
    folder.create(config, runInfo());
    const files = [RUN_FILES.checkpoints, RUN_FILES.config, RUN_FILES.label, RUN_FILES.run, RUN_FILES.samples];
    assert.deepEqual(fs.readdirSync(folder.dir).sort(), [...files, RUN_FILES.lock].sort(), 'locked while the run lives');
    folder.unlock();
    assert.deepEqual(fs.readdirSync(folder.dir).sort(), files.sort());
    assert.deepEqual(JSON.parse(fs.readFileSync(folder.configPath, 'utf8')), JSON.parse(JSON.stringify(config)));
    assert.deepEqual(folder.readInfo(), runInfo());
    assert.ok(fs.readFileSync(path.join(folder.dir, RUN_FILES.run), 'utf8').endsWith('}\n'));
  });

  it('create() names a new run (--name/--notes, else config name + short id); a resume keeps the name unless given one', () => {
    const config = tinyConfig();
    const named = new RunFolder(path.join(tempDir('dtn-run-'), 'r'));
    named.create(config, runInfo(), { label: { name: 'lr 1e-3', notes: 'faster?' } });
    named.unlock();
    assert.deepEqual(readRunLabel(named.dir), { name: 'lr 1e-3', notes: 'faster?' });
    const plain = new RunFolder(path.join(tempDir('dtn-run-'), 'r'));
    plain.create(config, runInfo());
    plain.unlock();
    assert.equal(readRunLabel(plain.dir)?.name, defaultRunName(config.name, 'r'));
    // The user renamed it meanwhile: resuming keeps that name; --notes adds notes, keeping it.
    updateRunLabel(plain.dir, { name: 'renamed' });
    plain.create(config, runInfo(), { resumed: true });
    plain.unlock();
    assert.deepEqual(readRunLabel(plain.dir), { name: 'renamed' });
    plain.create(config, runInfo(), { resumed: true, label: { notes: 'resumed for 1000 more steps' } });
    plain.unlock();
    assert.deepEqual(readRunLabel(plain.dir), { name: 'renamed', notes: 'resumed for 1000 more steps' });
    // --force starts over: the old run's label goes with its files.
    plain.create(config, runInfo(), { force: true });
    plain.unlock();
    assert.deepEqual(readRunLabel(plain.dir), { name: defaultRunName(config.name, 'r') });
  });

  it('metrics round-trip through metrics.jsonl, one JSON object per line', () => {
    const folder = new RunFolder(tempDir('dtn-run-'));
    assert.deepEqual(folder.readMetrics(), [], 'no file yet');
    folder.appendMetrics(record(1));
    folder.appendMetrics(record(2, null));
    assert.deepEqual(folder.readMetrics(), [record(1), record(2, null)]);
    const lines = fs.readFileSync(path.join(folder.dir, RUN_FILES.metrics), 'utf8').split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
  });

  it('readMetrics skips a torn last line and malformed lines, keeping the rest', () => {
    const folder = new RunFolder(tempDir('dtn-run-'));
    const file = path.join(folder.dir, RUN_FILES.metrics);
    folder.appendMetrics(record(1));
    fs.appendFileSync(file, '{"step": 2, "loss": {"D": 1}}\nnot json\n\n');
    folder.appendMetrics(record(3));
    fs.appendFileSync(file, JSON.stringify(record(4)).slice(0, 30));
    assert.deepEqual(
      folder.readMetrics().map((r) => r.step),
      [1, 3],
    );
  });

  it('truncateMetricsAfter drops the records a resume will train again (and torn lines)', () => {
    const folder = new RunFolder(tempDir('dtn-run-'));
    for (const s of [1, 2, 3, 4, 5]) folder.appendMetrics(record(s));
    fs.appendFileSync(path.join(folder.dir, RUN_FILES.metrics), '{"step": 6, "lo');
    folder.truncateMetricsAfter(3);
    assert.deepEqual(folder.readMetrics(), [record(1), record(2), record(3)]);
    folder.appendMetrics(record(4));
    assert.deepEqual(
      folder.readMetrics().map((r) => r.step),
      [1, 2, 3, 4],
      'appends start on a fresh line',
    );
    new RunFolder(tempDir('dtn-run-')).truncateMetricsAfter(3); // no file: nothing to do, no error
  });

  it('readInfo: none without run.json; a corrupt or foreign one is an error naming the file and the fix', () => {
    const folder = new RunFolder(tempDir('dtn-run-'));
    assert.equal(folder.readInfo(), undefined);
    const file = path.join(folder.dir, RUN_FILES.run);
    fs.writeFileSync(file, '{"runId": "r", "stat');
    const names =
      (...re: RegExp[]) =>
      (e: Error) =>
        e.message.includes(file) && re.every((r) => r.test(e.message));
    assert.throws(() => folder.readInfo(), names(/not valid JSON/, /new run/));
    fs.writeFileSync(file, JSON.stringify({ ...runInfo(), lastStep: 'three', status: 'paused' }));
    assert.throws(() => folder.readInfo(), names(/lastStep/, /status/));
    fs.writeFileSync(file, JSON.stringify({ kind: 'dtn-encoder' }));
    assert.throws(() => folder.readInfo(), /not a run\.json written by dtn train/);
  });

  it('writeInfo replaces run.json atomically', () => {
    const folder = new RunFolder(tempDir('dtn-run-'));
    folder.writeInfo(runInfo());
    folder.writeInfo(runInfo({ status: 'failed', error: 'boom' }));
    assert.deepEqual(folder.readInfo(), runInfo({ status: 'failed', error: 'boom' }));
    assert.deepEqual(fs.readdirSync(folder.dir), [RUN_FILES.run]);
  });

  it('writeSample writes samples/step-XXXXXXXX.png, writeEvalReport eval/step-XXXXXXXX.{json,md}', () => {
    const folder = new RunFolder(tempDir('dtn-run-'));
    const file = folder.writeSample(12, Buffer.from('png'));
    assert.equal(file, path.join(folder.dir, RUN_FILES.samples, 'step-00000012.png'));
    assert.equal(file, folder.samplePath(12));
    assert.equal(fs.readFileSync(file, 'utf8'), 'png');
    const md = folder.writeEvalReport(12, { step: 12 }, '# report\n');
    assert.equal(md, path.join(folder.dir, 'eval', 'step-00000012.md'));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(folder.dir, 'eval', 'step-00000012.json'), 'utf8')), { step: 12 });
  });

  it('checkpoints: save, list, load and prune', async () => {
    const folder = new RunFolder(tempDir('dtn-run-'));
    const config = tinyConfig();
    const dtn = new Dtn(config, scaledEncoder(config));
    try {
      for (const step of [2, 4, 6]) await folder.saveCheckpoint(dtn, { step, configHash: 'h', samplers: { s: step } });
      assert.deepEqual(
        folder.listCheckpoints().map((c) => c.step),
        [2, 4, 6],
      );
      folder.pruneCheckpoints(2);
      assert.deepEqual(
        folder.listCheckpoints().map((c) => c.step),
        [4, 6],
      );
      const meta = await folder.loadCheckpoint(folder.listCheckpoints()[0].path, dtn);
      assert.deepEqual([meta.step, meta.samplers], [4, { s: 4 }]);
    } finally {
      dtn.dispose();
    }
  });
});
