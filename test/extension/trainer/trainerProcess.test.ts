/** The process manager against the real bundled trainer (tiny config) and a few fake ones. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainerMessage } from '../../../src/shared/protocol';
import { listCheckpointDirs, readMetricsFile } from '../../../src/shared/node/runFiles';
import { trainLaunch, type LaunchContext } from '../../../src/extension/trainer/trainerLaunch';
import { TrainerProcess, type LogLine } from '../../../src/extension/trainer/trainerProcess';
import { CLI, tinyWorkspace, type TinyWorkspace } from './tinyTrainer';

function collect(proc: TrainerProcess): { messages: TrainerMessage[]; logs: LogLine[] } {
  const messages: TrainerMessage[] = [];
  const logs: LogLine[] = [];
  proc.onMessage((m) => messages.push(m));
  proc.onLog((l) => logs.push(l));
  return { messages, logs };
}

function nextMessage(proc: TrainerProcess, type: TrainerMessage['type']): Promise<TrainerMessage> {
  return new Promise((resolve) => {
    const sub = proc.onMessage((m) => {
      if (m.type === type) {
        sub.dispose();
        resolve(m);
      }
    });
  });
}

/** A stand-in trainer: a node script given inline. */
function fakeTrainer(ws: TinyWorkspace, source: string): TrainerProcess {
  const file = path.join(ws.dir, `fake-${Math.random().toString(36).slice(2)}.js`);
  fs.writeFileSync(file, source);
  return new TrainerProcess({ command: process.execPath, args: [file], cwd: ws.dir, env: process.env });
}

describe('TrainerProcess (real trainer, tiny config)', function () {
  this.timeout(60_000);
  let ws: TinyWorkspace;
  let ctx: LaunchContext;

  before(function () {
    this.timeout(90_000);
    ws = tinyWorkspace();
    ctx = { cliPath: CLI, nodePath: process.execPath, cwd: ws.dir };
  });
  after(() => ws?.cleanup());

  it('starts, delivers every message in order, and exits cleanly', async () => {
    const runDir = path.join(ws.dir, 'runs', 'complete');
    const proc = new TrainerProcess(trainLaunch(ctx, { target: { kind: 'config', file: ws.config }, runDir }));
    const { messages } = collect(proc);
    const exit = await proc.exited;

    assert.equal(exit.crashed, false, exit.cause);
    assert.equal(exit.code, 0);
    assert.equal(exit.done?.reason, 'completed');
    const types = messages.map((m) => m.type);
    const started = types.indexOf('started');
    assert.ok(started >= 0, 'a started message');
    assert.ok(
      types.slice(0, started).every((t) => t === 'status'),
      `only status before started: ${types.join(',')}`,
    );
    assert.equal(types[types.length - 1], 'done');
    const steps = messages.filter((m) => m.type === 'metrics').map((m) => (m.type === 'metrics' ? m.record.step : -1));
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6]);
    const samples = messages.flatMap((m) => (m.type === 'sample' ? [m.step] : []));
    assert.deepEqual(samples, [0, 2, 4, 6]);
    // a sample or checkpoint of step N comes after the metrics of step N
    const idx = (t: string, step: number) => messages.findIndex((m) => m.type === t && 'step' in m && m.step === step);
    const metricsIdx = (step: number) => messages.findIndex((m) => m.type === 'metrics' && m.record.step === step);
    assert.ok(idx('checkpoint', 3) > metricsIdx(3));
    assert.ok(idx('sample', 4) > metricsIdx(4));
    assert.deepEqual(proc.history(), messages);
    // the run folder agrees with the messages
    assert.deepEqual(
      readMetricsFile(runDir).map((r) => r.step),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(
      listCheckpointDirs(runDir).map((c) => c.step),
      [3, 6],
    );
  });

  it('stop: finishes the step, writes a checkpoint, reports done(stopped)', async () => {
    const runDir = path.join(ws.dir, 'runs', 'stopped');
    const proc = new TrainerProcess(trainLaunch(ctx, { target: { kind: 'config', file: ws.config }, runDir, steps: 500 }));
    const { messages } = collect(proc);
    await nextMessage(proc, 'metrics');
    const exit = await proc.stop();

    assert.equal(exit.crashed, false, exit.cause);
    assert.equal(exit.stopRequested, true);
    assert.equal(exit.code, 0);
    assert.equal(exit.done?.reason, 'stopped', JSON.stringify({ done: exit.done, args: proc.launch.args, n: messages.length }));
    const stoppedAt = exit.done!.step;
    assert.ok(stoppedAt >= 1 && stoppedAt < 500, `stopped early (step ${stoppedAt})`);
    assert.ok(exit.done!.checkpoint && fs.existsSync(path.join(exit.done!.checkpoint, 'manifest.json')), 'checkpoint on disk');
    assert.equal(listCheckpointDirs(runDir).at(-1)?.step, stoppedAt);
    const checkpoint = messages.find((m) => m.type === 'checkpoint' && m.step === stoppedAt);
    assert.ok(checkpoint, 'a checkpoint message for the last step');
  });

  it('reports a trainer that fails, with its cause and fix', async () => {
    const bad = path.join(ws.dir, 'no-encoder.dtn.json');
    fs.writeFileSync(bad, JSON.stringify({ ...JSON.parse(fs.readFileSync(ws.config, 'utf8')), encoder: { path: 'missing-encoder' } }));
    const proc = new TrainerProcess(trainLaunch(ctx, { target: { kind: 'config', file: bad }, runDir: path.join(ws.dir, 'runs', 'bad') }));
    const exit = await proc.exited;
    assert.equal(exit.crashed, true);
    assert.equal(exit.code, 1);
    assert.equal(exit.error?.code, 'ENCODER_MISSING', 'the host branches on the code, not the text');
    assert.match(exit.error?.message ?? '', /No encoder at/);
    assert.match(exit.cause, /pretrain-f/);
  });

  it('reports a trainer killed mid-run', async () => {
    const proc = new TrainerProcess(
      trainLaunch(ctx, { target: { kind: 'config', file: ws.config }, runDir: path.join(ws.dir, 'runs', 'killed'), steps: 500 }),
    );
    await nextMessage(proc, 'started');
    proc.kill();
    const exit = await proc.exited;
    assert.equal(exit.crashed, true);
    assert.equal(exit.signal, 'SIGKILL');
    assert.match(exit.cause, /SIGKILL/);
  });

  it('reports a crash without protocol error (exit code and last stderr line)', async () => {
    const proc = fakeTrainer(
      ws,
      `
      process.stdout.write(JSON.stringify({type:'status',phase:'x',message:'hello'})+'\\n');
      process.stdout.write('not json at all\\n');
      process.stdout.write(JSON.stringify({type:'metrics',record:{step:-1}})+'\\n');
      console.error('Segmentation fault in kernel');
      process.exit(3);`,
    );
    const { messages, logs } = collect(proc);
    const exit = await proc.exited;
    assert.equal(exit.crashed, true);
    assert.equal(exit.code, 3);
    assert.match(exit.cause, /code 3: Segmentation fault in kernel/);
    assert.deepEqual(
      messages.map((m) => m.type),
      ['status'],
      'malformed lines are not messages',
    );
    assert.ok(
      logs.some((l) => l.stream === 'stdout' && l.text === 'not json at all'),
      'non-protocol stdout goes to the log',
    );
  });

  it('escalates to SIGTERM when a trainer ignores stop', async () => {
    const proc = fakeTrainer(
      ws,
      "process.stdin.resume(); process.stdout.write(JSON.stringify({type:'status',phase:'x',message:'up'})+'\\n'); " +
        'setInterval(() => {}, 1000);',
    );
    await nextMessage(proc, 'status');
    const t0 = Date.now();
    const exit = await proc.stop(300);
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(exit.crashed, true);
    assert.equal(exit.signal, 'SIGTERM');
    assert.match(exit.cause, /while stopping/);
  });

  it('reports a trainer that cannot be started', async () => {
    const proc = new TrainerProcess({ command: path.join(ws.dir, 'no-such-node'), args: [], cwd: ws.dir, env: process.env });
    const exit = await proc.exited;
    assert.equal(exit.crashed, true);
    assert.match(exit.cause, /could not start the trainer: .*ENOENT/);
  });
});
