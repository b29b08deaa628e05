import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  ablateLaunch,
  describeLaunch,
  evalLaunch,
  exportLaunch,
  pretrainLaunch,
  trainClassifierLaunch,
  tensorflowModulesEnv,
  trainLaunch,
} from '../../../src/extension/trainer/trainerLaunch';

const ctx = { cliPath: '/ext/dist/trainer/cli.js', nodePath: '/vscode/code', cwd: '/ws' };

describe('trainer command line', () => {
  it("runs the bundled CLI with VS Code's binary as Node, in the workspace folder", () => {
    const l = trainLaunch(ctx, { target: { kind: 'preset', preset: 'digits-quick' }, runDir: '.dtn/runs/x', backend: 'cpu' });
    assert.equal(l.command, '/vscode/code');
    assert.equal(l.cwd, '/ws');
    assert.equal(l.env.ELECTRON_RUN_AS_NODE, '1');
    assert.deepEqual(l.args, [
      '/ext/dist/trainer/cli.js',
      'train',
      '--preset',
      'digits-quick',
      '--json',
      '--host-stdin',
      '--run-dir',
      '/ws/.dtn/runs/x',
      '--backend',
      'cpu',
    ]);
  });

  it("passes a new run's name and notes as single arguments (spaces and quotes as typed), never on resume", () => {
    const l = trainLaunch(ctx, { target: { kind: 'config', file: '/ws/a.dtn.json' }, name: 'lr "fast" run', notes: 'try 1e-3' });
    assert.deepEqual(l.args.slice(-4), ['--name', 'lr "fast" run', '--notes', 'try 1e-3']);
    const none = trainLaunch(ctx, { target: { kind: 'config', file: '/ws/a.dtn.json' } });
    assert.ok(!none.args.includes('--name') && !none.args.includes('--notes'));
  });

  it('passes a config file, and leaves the backend to the config when unset', () => {
    const l = trainLaunch(ctx, { target: { kind: 'config', file: '/ws/a.dtn.json' }, runDir: '/abs/run' });
    assert.deepEqual(l.args.slice(1), ['train', '--config', '/ws/a.dtn.json', '--json', '--host-stdin', '--run-dir', '/abs/run']);
  });

  it('resumes into the run folder it came from (no --run-dir)', () => {
    const l = trainLaunch(ctx, {
      target: { kind: 'resume', from: '/ws/.dtn/runs/a/checkpoints/step-00000200' },
      runDir: '/ws/.dtn/runs/a',
    });
    assert.deepEqual(l.args.slice(1), ['train', '--resume', '/ws/.dtn/runs/a/checkpoints/step-00000200', '--json', '--host-stdin']);
  });

  it('passes the threads setting unless it is auto (the trainer default)', () => {
    const target = { kind: 'preset', preset: 'digits-quick' } as const;
    assert.deepEqual(trainLaunch(ctx, { target, backend: 'wasm', threads: 2 }).args.slice(-4), ['--backend', 'wasm', '--threads', '2']);
    assert.ok(!trainLaunch(ctx, { target, threads: 'auto' }).args.includes('--threads'));
    assert.deepEqual(pretrainLaunch(ctx, { target, threads: 1 }).args.slice(-2), ['--threads', '1']);
    assert.deepEqual(trainClassifierLaunch(ctx, { target, threads: 3 }).args.slice(-2), ['--threads', '3']);
    assert.deepEqual(ablateLaunch(ctx, { target, steps: 5, out: '/abs', threads: 4 }).args.slice(-2), ['--threads', '4']);
  });

  it('pretrains f with the same config', () => {
    const l = pretrainLaunch(ctx, { target: { kind: 'config', file: '/ws/a.dtn.json' }, steps: 20 });
    assert.deepEqual(l.args.slice(1), ['pretrain-f', '--config', '/ws/a.dtn.json', '--json', '--steps', '20']);
  });

  it('exports a checkpoint to a folder, resolved against the workspace; --force only when asked', () => {
    const l = exportLaunch(ctx, { checkpoint: '.dtn/runs/a/checkpoints/step-00000200', out: 'exports/a' });
    assert.equal(l.cwd, '/ws');
    assert.deepEqual(l.args.slice(1), [
      'export',
      '--checkpoint',
      '/ws/.dtn/runs/a/checkpoints/step-00000200',
      '--out',
      '/ws/exports/a',
      '--json',
    ]);
    assert.deepEqual(exportLaunch(ctx, { checkpoint: '/r', out: '/o', force: true }).args.slice(1), [
      'export',
      '--checkpoint',
      '/r',
      '--out',
      '/o',
      '--json',
      '--force',
    ]);
  });

  it('trains the classifier for a config or a preset', () => {
    const l = trainClassifierLaunch(ctx, { target: { kind: 'preset', preset: 'digits' }, backend: 'wasm' });
    assert.equal(l.env.ELECTRON_RUN_AS_NODE, '1');
    assert.deepEqual(l.args.slice(1), ['train-classifier', '--preset', 'digits', '--json', '--backend', 'wasm']);
    const c = trainClassifierLaunch(ctx, { target: { kind: 'config', file: '/ws/a.dtn.json' }, steps: 50 });
    assert.deepEqual(c.args.slice(1), ['train-classifier', '--config', '/ws/a.dtn.json', '--json', '--steps', '50']);
  });

  it('runs the ablation with the steps asked for, into a known folder', () => {
    const l = ablateLaunch(ctx, { target: { kind: 'config', file: '/ws/a.dtn.json' }, steps: 300, out: '.dtn/ablations/x' });
    assert.deepEqual(l.args.slice(1), [
      'ablate',
      '--config',
      '/ws/a.dtn.json',
      '--json',
      '--steps',
      '300',
      '--out',
      '/ws/.dtn/ablations/x',
    ]);
    const b = ablateLaunch(ctx, { target: { kind: 'preset', preset: 'digits-quick' }, steps: 5, out: '/abs', backend: 'cpu' });
    assert.deepEqual(b.args.slice(-2), ['--backend', 'cpu']);
  });

  it('evaluates a checkpoint with dtn eval --json, its path made absolute', () => {
    const l = evalLaunch(ctx, { checkpoint: '.dtn/runs/a/checkpoints/step-00000200', backend: 'cpu' });
    assert.deepEqual(l.args.slice(1), ['eval', '--checkpoint', '/ws/.dtn/runs/a/checkpoints/step-00000200', '--json', '--backend', 'cpu']);
  });

  it('the log shows the command line as a shell would take it, quoting only what needs it', () => {
    const l = trainLaunch({ ...ctx, cwd: '/my ws' }, { target: { kind: 'config', file: '/my ws/a b.dtn.json' } });
    const expected = '$ /vscode/code /ext/dist/trainer/cli.js train --config "/my ws/a b.dtn.json" --json --host-stdin   (cwd /my ws)';
    assert.equal(describeLaunch(l), expected);
  });

  it('points NODE_PATH at the folder named for tfjs-node-gpu, before what the host already had', () => {
    const delim = path.delimiter;
    assert.deepEqual(tensorflowModulesEnv(undefined, '/ws', {}), {});
    assert.deepEqual(tensorflowModulesEnv('  ', '/ws', {}), {});
    assert.deepEqual(tensorflowModulesEnv('/opt/tf', '/ws', {}), { NODE_PATH: path.resolve('/opt/tf/node_modules') });
    assert.deepEqual(tensorflowModulesEnv('/opt/tf/node_modules', '/ws', {}), { NODE_PATH: path.resolve('/opt/tf/node_modules') });
    assert.deepEqual(tensorflowModulesEnv('tf', '/ws', { NODE_PATH: '/x' }), {
      NODE_PATH: `${path.resolve('/ws/tf/node_modules')}${delim}/x`,
    });
    const l = trainLaunch(
      { ...ctx, env: tensorflowModulesEnv('/opt/tf', '/ws', {}) },
      { target: { kind: 'preset', preset: 'digits-quick' } },
    );
    assert.equal(l.env.NODE_PATH, path.resolve('/opt/tf/node_modules'));
  });
});
