import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MetricsRecord, TrainerMessage } from '../../../src/shared/protocol';
import { RUN_FILES, checkpointPath } from '../../../src/shared/node/runLayout';
import { listCheckpoints } from '../../../src/trainer/run/checkpoint';
import { readConfigFile, type ResolvedConfig } from '../../../src/trainer/run/configFile';
import { encoderExists } from '../../../src/trainer/run/encoderStore';
import { pretrainEncoder } from '../../../src/trainer/dtn/pretrain';
import { RunFolder } from '../../../src/trainer/run/runFolder';
import { readTensorFolder } from '../../../src/trainer/run/tensorFile';
import { resolveResume } from '../../../src/trainer/run/resumeTarget';
import { train, type TrainOptions } from '../../../src/trainer/run/train';
import { initBackend } from '../../../src/trainer/engine/backend';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { withFlags } from '../../../src/trainer/engine/flags';
import { bitwiseEqual, tinyRunConfig } from '../helpers';

describe('train(): resume', () => {
  let dir: string;
  let resolved: ResolvedConfig;

  before(async () => {
    dir = tempDir('dtn-train-');
    const file = path.join(dir, 'tiny.dtn.json');
    fs.writeFileSync(file, JSON.stringify(tinyRunConfig()));
    resolved = readConfigFile(file);
    const r = await pretrainEncoder({ ...resolved, steps: 10, backend: 'cpu', emit: () => undefined });
    assert.equal(r.dir, path.join(dir, 'enc'), 'encoder.path resolves against the config folder');
    assert.ok(encoderExists(r.dir));
  });
  after(cleanTempDirs);

  async function run(extra: Partial<TrainOptions>): Promise<{ messages: TrainerMessage[]; result: Awaited<ReturnType<typeof train>> }> {
    const messages: TrainerMessage[] = [];
    const config = structuredClone(resolved.config);
    const result = await train({ config, baseDir: resolved.baseDir, backend: 'cpu', emit: (m) => messages.push(m), ...extra });
    return { messages, result };
  }

  const losses = (records: MetricsRecord[]) => records.map((r) => ({ step: r.step, loss: r.loss }));
  const tensorsOf = (ckpt: string) => readTensorFolder<{ step: number }>(ckpt);

  it('stopping after step 5 and resuming from the step-3 checkpoint ends exactly where the uninterrupted run does', async () => {
    const full = await run({ runDir: path.join(dir, 'full') });
    assert.equal(full.result.reason, 'completed');
    assert.equal(full.result.step, 6);
    assert.equal(full.result.checkpoint, checkpointPath(full.result.runDir, 6));

    // Interrupted run: a stop request arrives after 5 steps (what Ctrl-C or a `stop` line does).
    const cut = path.join(dir, 'cut');
    let steps = 0;
    const stopped = await run({
      runDir: cut,
      emit: (m) => {
        if (m.type === 'metrics') steps = m.record.step;
      },
      shouldStop: () => steps >= 5,
    });
    assert.equal(stopped.result.reason, 'stopped');
    assert.equal(stopped.result.step, 5);
    assert.equal(new RunFolder(cut).readInfo()?.status, 'stopped');
    assert.deepEqual(
      listCheckpoints(cut).map((c) => c.step),
      [3, 5],
      'a stop writes a checkpoint',
    );
    assert.deepEqual(
      new RunFolder(cut).readMetrics().map((r) => r.step),
      [1, 2, 3, 4, 5],
    );

    // Resume from step 3: steps 4 and 5 are trained again, their old records must go.
    const resumed = await run({ resume: checkpointPath(cut, 3) });
    assert.equal(resumed.result.runDir, cut, 'a checkpoint folder resumes into its own run');
    assert.equal(resumed.result.reason, 'completed');
    const started = resumed.messages.find((m) => m.type === 'started');
    assert.ok(started?.type === 'started' && started.startStep === 3 && started.totalSteps === 6);

    const metrics = new RunFolder(cut).readMetrics();
    assert.deepEqual(
      metrics.map((r) => r.step),
      [1, 2, 3, 4, 5, 6],
      'one record per step, ascending, no duplicates',
    );
    assert.deepEqual(losses(metrics), losses(new RunFolder(full.result.runDir).readMetrics()), 'same loss values as the uninterrupted run');

    // Everything in the final checkpoint, g first, bitwise: weights, running statistics, both optimisers.
    const a = tensorsOf(checkpointPath(full.result.runDir, 6));
    const b = tensorsOf(checkpointPath(cut, 6));
    assert.deepEqual([...b.tensors.keys()], [...a.tensors.keys()]);
    const gNames = [...a.tensors.keys()].filter((k) => k.startsWith('g/'));
    assert.ok(gNames.length > 0);
    for (const name of [...gNames, ...a.tensors.keys()]) {
      assert.ok(bitwiseEqual(b.tensors.get(name)!.values, a.tensors.get(name)!.values), `${name} differs after resume`);
    }
    assert.equal(b.meta.step, 6);

    const info = new RunFolder(cut).readInfo()!;
    assert.equal(info.status, 'completed');
    assert.equal(info.lastStep, 6);
    assert.deepEqual(info.resumedFrom, [checkpointPath(cut, 3)]);
  });

  it('a run killed after its last checkpoint, before it marked itself completed, resumes to completed with its files kept', async () => {
    const done = await run({ runDir: path.join(dir, 'killed') });
    const folder = new RunFolder(done.result.runDir);
    // What a SIGKILL between the final checkpoint and the final run.json leaves.
    const info = folder.readInfo()!;
    folder.writeInfo({ ...info, status: 'running' });
    const metricsBefore = fs.readFileSync(path.join(done.result.runDir, RUN_FILES.metrics), 'utf8');
    const last = checkpointPath(done.result.runDir, 6);
    const weightsBefore = fs.readFileSync(path.join(last, 'tensors.bin'));

    const resumed = await run({ resume: done.result.runDir });
    assert.deepEqual([resumed.result.reason, resumed.result.step, resumed.result.checkpoint], ['completed', 6, last]);
    const after = folder.readInfo()!;
    assert.deepEqual([after.status, after.lastStep], ['completed', 6]);
    assert.equal(fs.readFileSync(path.join(done.result.runDir, RUN_FILES.metrics), 'utf8'), metricsBefore, 'metrics kept');
    assert.ok(fs.readFileSync(path.join(last, 'tensors.bin')).equals(weightsBefore), 'the last checkpoint kept as it was');

    // Completed now: a second resume at the same step is refused as before.
    await assert.rejects(run({ resume: done.result.runDir }), /nothing to train/);
  });

  it("a checkpoint resumed into another --run-dir is the new run's own only once saved there", async () => {
    const from = checkpointPath(path.join(dir, 'killed'), 6);
    // Stopped before its first step: it still ends on a checkpoint of its own.
    const fork = path.join(dir, 'fork');
    const longer = structuredClone(resolved.config);
    longer.train.steps = 8;
    const stopped = await run({ config: longer, resume: from, runDir: fork, shouldStop: () => true });
    assert.deepEqual([stopped.result.reason, stopped.result.checkpoint], ['stopped', checkpointPath(fork, 6)]);
    assert.ok(fs.existsSync(path.join(checkpointPath(fork, 6), 'manifest.json')));
    // Nothing to train into a new folder is refused, not completed: that run would hold no checkpoint.
    await assert.rejects(run({ resume: from, runDir: path.join(dir, 'fork-empty') }), /nothing to train/);
    assert.ok(!fs.existsSync(path.join(dir, 'fork-empty')));
  });

  it('a run resumed with --run-dir named through a symlink is still completed as its own', async () => {
    const done = await run({ runDir: path.join(dir, 'linked') });
    const folder = new RunFolder(done.result.runDir);
    folder.writeInfo({ ...folder.readInfo()!, status: 'running' });
    const alias = path.join(dir, 'alias');
    fs.symlinkSync(done.result.runDir, alias);
    const resumed = await run({ resume: checkpointPath(done.result.runDir, 6), runDir: alias });
    assert.deepEqual([resumed.result.reason, resumed.result.step], ['completed', 6]);
    assert.equal(folder.readInfo()!.status, 'completed');
  });

  it('resolveResume: a run folder means its newest checkpoint; anything else is refused', () => {
    const runDir = path.join(dir, 'cut');
    const { checkpoint, runDir: of } = resolveResume(runDir);
    assert.deepEqual({ checkpoint, runDir: of }, { checkpoint: checkpointPath(runDir, 6), runDir });
    assert.deepEqual(resolveResume(checkpointPath(runDir, 3)), { checkpoint: checkpointPath(runDir, 3), runDir });
    const empty = tempDir('dtn-train-');
    assert.throws(
      () => resolveResume(empty),
      (err: Error) => err.message.includes(empty) && /not a checkpoint folder/.test(err.message),
    );
  });

  it('a run with the GAN terms off records D and GANG as null', async () => {
    const config = structuredClone(resolved.config);
    config.losses.gan = false;
    config.train.steps = 2;
    const runDir = path.join(dir, 'nogan');
    await train({ config, baseDir: resolved.baseDir, backend: 'cpu', runDir, emit: () => undefined });
    const metrics = new RunFolder(runDir).readMetrics();
    assert.deepEqual(
      metrics.map((r) => r.step),
      [1, 2],
    );
    for (const r of metrics) {
      assert.equal(r.loss.D, null);
      assert.equal(r.loss.GANG, null);
      assert.ok(typeof r.loss.CONST === 'number' && typeof r.loss.G === 'number');
    }
    assert.ok(fs.existsSync(path.join(runDir, RUN_FILES.config)));
  });

  it('a run that cannot start (no encoder) names the fix and leaves no run folder behind', async () => {
    const config = structuredClone(resolved.config);
    config.encoder = { ...config.encoder, path: 'no-such-encoder' };
    const runDir = path.join(dir, 'never-started');
    await assert.rejects(train({ config, baseDir: resolved.baseDir, backend: 'cpu', runDir, emit: () => undefined }), (err: Error) =>
      /No encoder at .*no-such-encoder\. Train it first: dtn pretrain-f/.test(err.message),
    );
    assert.equal(fs.existsSync(runDir), false, 'an empty run folder would show in the Runs view');
  });
});

describe('train() on WebGPU: replayed steps', function () {
  let dir: string;
  let resolved: ResolvedConfig;
  before(async function () {
    try {
      await initBackend('webgpu');
    } catch {
      return this.skip();
    }
    dir = tempDir('dtn-train-gpu-');
    const file = path.join(dir, 'tiny.dtn.json');
    fs.writeFileSync(file, JSON.stringify(tinyRunConfig()));
    resolved = readConfigFile(file);
    await pretrainEncoder({ ...resolved, steps: 5, backend: 'cpu', emit: () => undefined });
  });
  after(async () => {
    await initBackend('cpu');
    cleanTempDirs();
  });

  async function run(name: string, plan: boolean, gan = true) {
    const messages: TrainerMessage[] = [];
    const config = structuredClone(resolved.config);
    config.losses.gan = gan;
    const runDir = path.join(dir, name);
    const training = () => train({ config, baseDir: resolved.baseDir, backend: 'webgpu', runDir, emit: (m) => messages.push(m) });
    await withFlags({ DTN_STOCK_KERNELS: plan ? '' : 'Plan' }, training);
    return { runDir, messages };
  }

  for (const gan of [true, false]) {
    it(`checkpoints, metrics and samples equal those of tfjs steps, bit for bit${gan ? '' : ' (GAN terms off: D idle)'}`, async () => {
      const planned = await run(`planned-${gan}`, true, gan);
      const plain = await run(`plain-${gan}`, false, gan);
      const warnings = planned.messages.filter((m) => m.type === 'warning' && /replayed plan/.test(m.message));
      assert.deepEqual(warnings, [], 'the planned run replays its steps');
      assert.match(new RunFolder(planned.runDir).readInfo()!.backendReason, /steps replay a recorded step \(\d+ dispatches\)/);
      assert.ok(
        plain.messages.some((m) => m.type === 'warning' && /instead of a replayed plan/.test(m.message)),
        'the plain run says why it does not replay',
      );
      const strip = (rs: MetricsRecord[]) => rs.map((r) => ({ step: r.step, loss: r.loss }));
      assert.deepEqual(strip(new RunFolder(planned.runDir).readMetrics()), strip(new RunFolder(plain.runDir).readMetrics()));
      const a = readTensorFolder<{ step: number }>(checkpointPath(planned.runDir, 6));
      const b = readTensorFolder<{ step: number }>(checkpointPath(plain.runDir, 6));
      assert.deepEqual([...a.tensors.keys()], [...b.tensors.keys()]);
      for (const k of a.tensors.keys()) assert.ok(bitwiseEqual(a.tensors.get(k)!.values, b.tensors.get(k)!.values), `${k} differs`);
      const samples = (d: string) => fs.readdirSync(path.join(d, 'samples')).sort();
      assert.deepEqual(samples(planned.runDir), samples(plain.runDir));
      for (const s of samples(plain.runDir)) {
        assert.ok(
          fs.readFileSync(path.join(planned.runDir, 'samples', s)).equals(fs.readFileSync(path.join(plain.runDir, 'samples', s))),
          `sample ${s} differs`,
        );
      }
    });
  }

  it('a run that tunes its convolutions says what it chose, in run.json and its log, and still replays', async () => {
    await withFlags({ DTN_CONV_TUNE: '1' }, async () => {
      const tuned = await run('tuned', true);
      const reason = new RunFolder(tuned.runDir).readInfo()!.backendReason;
      assert.match(reason, /; \d+ conv shapes tuned on this device in [\d.]+ s: .+; steps replay a recorded step/);
      const notes = tuned.messages.filter(
        (m) => m.type === 'status' && /convolution shapes on this device|conv shapes tuned/.test(m.message),
      );
      assert.equal(notes.length, 2, 'one status line when tuning starts, one with the result');
      assert.match((notes[0] as { message: string }).message, /^tuning \d+ convolution shapes on this device$/);
      assert.ok(
        new RunFolder(tuned.runDir).readMetrics().every((r) => Object.values(r.loss).every((v) => v === null || Number.isFinite(v))),
      );
    });
  });
});
