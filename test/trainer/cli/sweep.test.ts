/**
 * `dtn sweep` end to end through the built CLI: tiny runs on the cpu backend, two at a time, a
 * sweep stopped with SIGINT and resumed, and a variant that fails while the others complete.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listCheckpointDirs, readMetricsFile, readRunInfoFile } from '../../../src/shared/node/runFiles';
import { RUN_FILES, checkpointPath } from '../../../src/shared/node/runLayout';
import { parseTrainerLine, type TrainerMessage } from '../../../src/shared/protocol';
import { SWEEP_FILES } from '../../../src/shared/sweep';
import { readSweepFile } from '../../../src/trainer/sweep/sweepFolder';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { tinyRunConfig } from '../helpers';
import { CLI, ensureBuilt } from './builtCli';

interface Result {
  status: number | null;
  stderr: string;
  messages: TrainerMessage[];
}

/** `dtn <args>` with every stdout line a protocol message; `onMessage` may signal the process. */
function dtn(args: string[], cwd: string, onMessage?: (msg: TrainerMessage, kill: (s: NodeJS.Signals) => void) => void): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    let pending = '';
    let stderr = '';
    const messages: TrainerMessage[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        const msg = parseTrainerLine(line);
        if (!msg) return reject(new Error(`not a protocol line: ${line}`));
        messages.push(msg);
        onMessage?.(msg, (s) => child.kill(s));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr, messages });
    });
  });
}

const info = (r: Result) => `exit ${r.status}\n${r.messages.map((m) => JSON.stringify(m)).join('\n')}\n${r.stderr}`;

/** The CSV's row for a variant, kind and step: [seeds, mean, min, max]. */
function csvRow(csv: string, variant: string, kind: string, step: string): number[] | undefined {
  const row = csv
    .trim()
    .split('\n')
    .map((l) => l.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/))
    .find((c) => c[0] === variant && c[2] === kind && c[3] === step);
  return row?.slice(4).map(Number);
}

describe('dtn sweep', function () {
  this.timeout(300_000);
  let dir: string; // the config, its encoder and classifier
  let configFile: string;

  before(async () => {
    ensureBuilt();
    dir = tempDir('dtn-sweep-cli-');
    configFile = path.join(dir, 'tiny.dtn.json');
    const tiny = tinyRunConfig({ eval: { count: 20, classifier: { path: 'cls', widths: [4, 4, 4], embeddingSize: 8, steps: 3 } } });
    fs.writeFileSync(configFile, JSON.stringify(tiny));
    const f = await dtn(['pretrain-f', '--config', configFile, '--steps', '10', '--json'], dir);
    assert.equal(f.status, 0, info(f));
    // The classifier needs more labelled target images than the runs use: --set says so for this command only.
    const c = await dtn(['train-classifier', '--config', configFile, '--set', 'target.count=80', '--json'], dir);
    assert.equal(c.status, 0, info(c));
  });
  after(cleanTempDirs);

  it('runs 2 variants × 2 seeds two at a time and writes sweep.json, the run folders and the summary', async () => {
    const out = path.join(dir, 'sweeps', 'ema');
    const r = await dtn(
      ['sweep', '--config', configFile, '--seeds', '1,2', '--set', 'train.emaDecay=0,0.9', '--parallel', '2', '--out', out, '--json'],
      dir,
    );
    assert.equal(r.status, 0, info(r));
    const sweep = readSweepFile(out);
    assert.deepEqual(
      sweep.variants.map((v) => v.id),
      ['emaDecay=0', 'emaDecay=0.9'],
    );
    assert.deepEqual(
      sweep.runs.map((x) => [x.name, x.seed, x.state, x.step]),
      [
        ['v1-emaDecay_0-seed1', 1, 'completed', 6],
        ['v1-emaDecay_0-seed2', 2, 'completed', 6],
        ['v2-emaDecay_0.9-seed1', 1, 'completed', 6],
        ['v2-emaDecay_0.9-seed2', 2, 'completed', 6],
      ],
    );
    // Two at a time: the second run started before the first ended.
    assert.ok(sweep.runs[1].startedAt! < sweep.runs[0].endedAt!, JSON.stringify(sweep.runs));
    for (const run of sweep.runs) {
      const runDir = path.join(out, run.name);
      assert.equal(readRunInfoFile(runDir)?.status, 'completed', run.name);
      const config = JSON.parse(fs.readFileSync(path.join(runDir, RUN_FILES.config), 'utf8')) as {
        seed: number;
        train: { emaDecay: number };
      };
      assert.equal(config.seed, run.seed);
      assert.equal(config.train.emaDecay, sweep.variants[run.variant].overrides[0].value);
    }
    // The summary's numbers are those of the runs' own metrics.
    const csv = fs.readFileSync(path.join(out, SWEEP_FILES.csv), 'utf8');
    for (const [v, variant] of sweep.variants.entries()) {
      for (const step of [3, 6]) {
        const accs = sweep.runs
          .filter((x) => x.variant === v)
          .map((x) => readMetricsFile(path.join(out, x.name)).find((m) => m.step === step)!.eval!.accuracy);
        const [n, mean, min, max] = csvRow(csv, variant.id, 'step', String(step)) ?? [];
        assert.equal(n, 2);
        assert.ok(Math.abs(mean - (accs[0] + accs[1]) / 2) < 1e-12);
        assert.equal(min, Math.min(...accs));
        assert.equal(max, Math.max(...accs));
      }
      assert.ok(csvRow(csv, variant.id, 'last', '6'), csv);
      assert.ok(csvRow(csv, variant.id, 'best', ''), csv);
    }
    const md = fs.readFileSync(path.join(out, SWEEP_FILES.markdown), 'utf8');
    assert.match(md, /2 variants × 2 seeds = 4 runs \(4 completed\)/);
    assert.match(md, /\| emaDecay=0\.9 \| 6 \| 2 \|/);
    assert.ok(!fs.existsSync(path.join(out, RUN_FILES.lock)), 'the sweep released its lock');
    const last = r.messages.at(-1);
    assert.ok(last?.type === 'status' && /4 completed, 0 failed/.test(last.message), info(r));
  });

  it('refuses a sweep with an invalid variant before running anything', async () => {
    const out = path.join(dir, 'sweeps', 'bad');
    const r = await dtn(['sweep', '--config', configFile, '--set', 'train.emaDecay=0,1.5', '--out', out, '--json'], dir);
    assert.equal(r.status, 1);
    const last = r.messages.at(-1);
    assert.ok(last?.type === 'error' && last.code === 'CONFIG_INVALID' && /--set train\.emaDecay=1\.5/.test(last.message), info(r));
    assert.ok(!fs.existsSync(out), 'no sweep folder');
  });

  it('--resume refuses a base config changed since, a damaged sweep.json, and a new plan', async () => {
    const out = path.join(dir, 'sweeps', 'ema');
    const again = await dtn(['sweep', '--resume', out, '--json'], dir);
    assert.equal(again.status, 0, info(again));
    assert.ok(
      again.messages.some((m) => m.type === 'status' && /0 run\(s\) to do/.test(m.message)),
      'nothing to run again',
    );
    const spec = JSON.parse(fs.readFileSync(path.join(out, SWEEP_FILES.spec), 'utf8')) as { base: { config: string } };

    // The same sweep over a config file that has changed since.
    const copy = path.join(dir, 'sweeps', 'changed');
    fs.cpSync(out, copy, { recursive: true });
    const changedFile = path.join(dir, 'changed.dtn.json');
    fs.writeFileSync(changedFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(configFile, 'utf8')), seed: 9 }));
    fs.writeFileSync(path.join(copy, SWEEP_FILES.spec), JSON.stringify({ ...spec, base: { config: changedFile } }));
    const changed = await dtn(['sweep', '--resume', copy, '--json'], dir);
    const last = changed.messages.at(-1);
    assert.ok(
      last?.type === 'error' && last.code === 'CONFIG_INVALID' && /has changed since the sweep started/.test(last.message),
      info(changed),
    );

    fs.writeFileSync(
      path.join(copy, SWEEP_FILES.spec),
      JSON.stringify({ ...spec, runs: [{ name: '../escape', variant: 0, seed: 1, state: 'pending' }] }),
    );
    const damaged = await dtn(['sweep', '--resume', copy, '--json'], dir);
    const err = damaged.messages.at(-1);
    assert.ok(err?.type === 'error' && err.code === 'RUN_INVALID' && err.file === path.join(copy, SWEEP_FILES.spec), info(damaged));

    const replanned = await dtn(['sweep', '--resume', out, '--seeds', '3', '--json'], dir);
    assert.ok(replanned.messages.at(-1)?.type === 'error' && replanned.status === 1, info(replanned));
  });

  it('stops on SIGINT (each run checkpoints) and --resume finishes the runs from their checkpoints', async () => {
    const out = path.join(dir, 'sweeps', 'stop');
    const steps = new Map<string, number>();
    let signalled = false;
    const r = await dtn(
      ['sweep', '--config', configFile, '--seeds', '1,2', '--set', 'train.steps=60', '--parallel', '2', '--out', out, '--json'],
      dir,
      (msg, kill) => {
        const m = msg.type === 'status' ? /^(\S+): step (\d+)\//.exec(msg.message) : null;
        if (m) steps.set(m[1], Number(m[2]));
        // Both runs past their first checkpoint (step 3): stop the sweep as Ctrl-C would.
        if (!signalled && steps.size === 2 && [...steps.values()].every((s) => s >= 4)) {
          signalled = true;
          kill('SIGINT');
        }
      },
    );
    assert.ok(signalled, info(r));
    assert.equal(r.status, 130, info(r));
    const stopped = readSweepFile(out);
    assert.deepEqual(
      stopped.runs.map((x) => x.state),
      ['stopped', 'stopped'],
    );
    for (const run of stopped.runs) {
      const runDir = path.join(out, run.name);
      assert.equal(readRunInfoFile(runDir)?.status, 'stopped');
      assert.ok(run.step! < 60 && listCheckpointDirs(runDir).at(-1)?.step === run.step, JSON.stringify(run));
    }
    assert.match(fs.readFileSync(path.join(out, SWEEP_FILES.markdown), 'utf8'), /2 runs are not finished/);

    const resumed = await dtn(['sweep', '--resume', out, '--parallel', '2', '--json'], dir);
    assert.equal(resumed.status, 0, info(resumed));
    const done = readSweepFile(out);
    assert.deepEqual(
      done.runs.map((x) => [x.state, x.step]),
      [
        ['completed', 60],
        ['completed', 60],
      ],
    );
    for (const [i, run] of done.runs.entries()) {
      const runDir = path.join(out, run.name);
      // Continued, not started over: run.json names the checkpoint it resumed from.
      assert.deepEqual(readRunInfoFile(runDir)?.resumedFrom, [checkpointPath(runDir, stopped.runs[i].step!)]);
      const recorded = readMetricsFile(runDir).map((m) => m.step);
      assert.deepEqual(
        recorded,
        [...new Set(recorded)].sort((a, b) => a - b),
        'metrics continue without repeats',
      );
    }
    assert.match(fs.readFileSync(path.join(out, SWEEP_FILES.markdown), 'utf8'), /\(2 completed\)/);
  });

  it('records a run that fails at run time and completes the others; the exit status says so', async () => {
    const out = path.join(dir, 'sweeps', 'fail');
    // Both values pass the schema; the second names an encoder folder that does not exist.
    const r = await dtn(
      ['sweep', '--config', configFile, '--set', 'encoder.path=enc,missing-enc', '--parallel', '2', '--out', out, '--json'],
      dir,
    );
    assert.equal(r.status, 1, info(r));
    const sweep = readSweepFile(out);
    assert.deepEqual(
      sweep.runs.map((x) => [x.name, x.state, x.error?.code]),
      [
        ['v1-path_enc-seed1', 'completed', undefined],
        ['v2-path_missing-enc-seed1', 'failed', 'ENCODER_MISSING'],
      ],
    );
    assert.match(sweep.runs[1].error!.message, /missing-enc/);
    const last = r.messages.at(-1);
    assert.ok(last?.type === 'error' && last.code === 'ENCODER_MISSING' && /v2-path_missing-enc-seed1/.test(last.message), info(r));
    const md = fs.readFileSync(path.join(out, SWEEP_FILES.markdown), 'utf8');
    assert.match(md, /## Failed runs[\s\S]*\| v2-path_missing-enc-seed1 \| path=missing-enc \| 1 \| ENCODER_MISSING \|/);
    assert.ok(csvRow(fs.readFileSync(path.join(out, SWEEP_FILES.csv), 'utf8'), 'path=enc', 'last', '6'));
  });
});
