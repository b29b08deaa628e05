import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../../src/shared/config';
import { DtnError } from '../../../src/shared/errors';
import { PRESETS } from '../../../src/shared/presets';
import { SWEEP_FILES, type SweepFile } from '../../../src/shared/sweep';
import { readSweepFile, runDirOf, writeSummary, writeSweepFile } from '../../../src/trainer/sweep/sweepFolder';
import { trainArgs } from '../../../src/trainer/sweep/runSweep';
import { cleanTempDirs, tempDir } from '../data/tmp';

function sweep(): SweepFile {
  return {
    kind: 'dtn-sweep',
    version: 1,
    id: 's1',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    base: { preset: 'digits-quick' },
    baseConfig: parseConfig(PRESETS['digits-quick']),
    seeds: [1],
    variants: [{ id: 'emaDecay=0.9', overrides: [{ key: 'train.emaDecay', value: 0.9 }] }],
    runs: [{ name: 'v1-emaDecay_0.9-seed1', variant: 0, seed: 1, state: 'pending' }],
  };
}

function invalid(dir: string, pattern: RegExp): void {
  assert.throws(
    () => readSweepFile(dir),
    (err: unknown) => err instanceof DtnError && err.code === 'RUN_INVALID' && pattern.test(err.message) && err.file !== undefined,
  );
}

describe('sweep/sweepFolder', () => {
  after(cleanTempDirs);

  it('writes sweep.json and reads it back validated', () => {
    const dir = tempDir('dtn-sweep-');
    writeSweepFile(dir, sweep());
    const back = readSweepFile(dir);
    assert.deepEqual({ ...back, updatedAt: '' }, { ...sweep(), updatedAt: '' });
    assert.ok(!fs.readdirSync(dir).some((n) => n.includes('.tmp-')), 'no temporary file left');
  });

  it('refuses a missing, torn or foreign sweep.json, naming the file and the field', () => {
    const dir = tempDir('dtn-sweep-');
    invalid(dir, /not a sweep folder/);
    const file = path.join(dir, SWEEP_FILES.spec);
    fs.writeFileSync(file, '{"kind":"dtn-sweep",');
    invalid(dir, /not valid JSON/);
    const write = (s: unknown) => fs.writeFileSync(file, JSON.stringify(s));
    write({ ...sweep(), kind: 'something-else' });
    invalid(dir, /kind/);
    write({ ...sweep(), runs: [{ ...sweep().runs[0], name: '../../etc' }] });
    invalid(dir, /runs\.0\.name/);
    write({ ...sweep(), runs: [{ ...sweep().runs[0], variant: 3 }] });
    invalid(dir, /runs\.0\.variant: no such variant/);
    write({ ...sweep(), runs: [sweep().runs[0], sweep().runs[0]] });
    invalid(dir, /used twice/);
    write({ ...sweep(), runs: [{ ...sweep().runs[0], state: 'exploded' }] });
    invalid(dir, /runs\.0\.state/);
    write({ ...sweep(), baseConfig: { ...sweep().baseConfig, train: { steps: -1 } } });
    invalid(dir, /baseConfig\.train\.steps/);
    write({ ...sweep(), base: { config: '' } });
    invalid(dir, /base/);
  });

  it('keeps run folders inside the sweep folder', () => {
    const dir = tempDir('dtn-sweep-');
    assert.equal(runDirOf(dir, { name: 'v1-seed1' }), path.join(dir, 'v1-seed1'));
    for (const name of ['..', '../x', 'a/b', '/abs']) assert.throws(() => runDirOf(dir, { name }), /outside the sweep folder/, name);
  });

  it('starts a run, starts a failed one over in its folder, resumes a stopped one from its checkpoint', () => {
    const dir = tempDir('dtn-sweep-');
    const s = sweep();
    const opts = { dir, sweep: s, baseArgs: ['--preset', 'digits-quick'], backend: 'cpu' as const };
    const run = s.runs[0];
    const runDir = path.join(dir, run.name);
    assert.deepEqual(trainArgs(opts, run).args, [
      'train',
      '--preset',
      'digits-quick',
      '--seed',
      '1',
      '--set',
      'train.emaDecay=0.9',
      '--run-dir',
      runDir,
      '--name',
      `${s.id} ${run.name}`,
      '--json',
      '--host-stdin',
      '--backend',
      'cpu',
    ]);
    fs.mkdirSync(path.join(runDir, 'checkpoints', 'step-00000003'), { recursive: true });
    fs.writeFileSync(path.join(runDir, 'run.json'), '{}');
    assert.ok(trainArgs(opts, { ...run, state: 'failed' }).args.includes('--force'));
    // A checkpoint without its manifest is incomplete: nothing to resume from, so it starts over.
    assert.ok(trainArgs(opts, { ...run, state: 'stopped' }).args.includes('--force'));
    fs.writeFileSync(path.join(runDir, 'checkpoints', 'step-00000003', 'manifest.json'), '{}');
    for (const state of ['stopped', 'running'] as const) {
      assert.deepEqual(trainArgs(opts, { ...run, state }).args, [
        'train',
        '--resume',
        runDir,
        '--json',
        '--host-stdin',
        '--backend',
        'cpu',
      ]);
    }
    assert.ok(trainArgs(opts, { ...run, state: 'failed' }).args.includes('--force'), 'a failed run starts over even with a checkpoint');
    // Runs side by side share the cores.
    assert.deepEqual(trainArgs({ ...opts, threads: 2 }, run).args.slice(-4), ['--backend', 'cpu', '--threads', '2']);
  });

  it('writes summary.md and summary.csv from the run folders', () => {
    const dir = tempDir('dtn-sweep-');
    const s = sweep();
    const runDir = path.join(dir, s.runs[0].name);
    fs.mkdirSync(runDir);
    const rec = { step: 5, loss: { D: 1, GANG: 1, CONST: 1, TID: 1, TV: null, G: 1 }, msPerStep: 1, imgPerSec: 1, time: 't' };
    fs.writeFileSync(
      path.join(runDir, 'metrics.jsonl'),
      `${JSON.stringify({ ...rec, eval: { accuracy: 0.25, fConstancy: 0.1, count: 4 } })}\n{torn`,
    );
    writeSummary(dir, s);
    assert.match(
      fs.readFileSync(path.join(dir, SWEEP_FILES.markdown), 'utf8'),
      /\| emaDecay=0\.9 \| 5 \| 1 \| 25\.0% \| 25\.0% \| 25\.0% \|/,
    );
    assert.match(fs.readFileSync(path.join(dir, SWEEP_FILES.csv), 'utf8'), /emaDecay=0\.9,.*,step,5,1,0\.25,0\.25,0\.25/);
  });
});
