/** The command line that starts the bundled trainer; pure, so it is unit-tested. */
import * as path from 'node:path';
import type { BackendChoice } from '../../shared/config';
import type { ThreadsChoice } from '../../shared/threads';

export type TrainTarget =
  | { kind: 'preset'; preset: string }
  | { kind: 'config'; file: string }
  /** A run folder (its newest checkpoint) or a checkpoint folder, with the config the run was started with. */
  | { kind: 'resume'; from: string };

export interface TrainerLaunch {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface LaunchContext {
  /** <extensionPath>/dist/trainer/cli.js */
  cliPath: string;
  /** The Node binary: VS Code's own (process.execPath) with ELECTRON_RUN_AS_NODE, or plain node in tests. */
  nodePath: string;
  /** Workspace folder: .dtn/ (encoders, default runs) lands here. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

function targetArgs(target: TrainTarget): string[] {
  switch (target.kind) {
    case 'preset':
      return ['--preset', target.preset];
    case 'config':
      return ['--config', target.file];
    case 'resume':
      return ['--resume', target.from];
  }
}

/**
 * The environment that lets a packaged trainer load @tensorflow/tfjs-node-gpu (or tfjs-node): the
 * package ships no libtensorflow, so `dtn.tensorflowModules` names a folder where the user installed
 * it (`npm install @tensorflow/tfjs-node-gpu@4.22.0` there), and Node resolves it through NODE_PATH.
 * `dir` may be that folder or its node_modules; relative to the workspace folder.
 */
export function tensorflowModulesEnv(dir: string | undefined, cwd: string, inherited: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!dir?.trim()) return {};
  const abs = path.resolve(cwd, dir.trim());
  const modules = path.basename(abs) === 'node_modules' ? abs : path.join(abs, 'node_modules');
  return { NODE_PATH: [modules, inherited.NODE_PATH].filter(Boolean).join(path.delimiter) };
}

/** `--backend` and `--threads` as given (auto threads is the trainer's default, so it is left out). */
function computeArgs(opts: { backend?: BackendChoice; threads?: ThreadsChoice }): string[] {
  return [
    ...(opts.backend ? ['--backend', opts.backend] : []),
    ...(opts.threads && opts.threads !== 'auto' ? ['--threads', String(opts.threads)] : []),
  ];
}

function launch(ctx: LaunchContext, args: string[]): TrainerLaunch {
  return {
    command: ctx.nodePath,
    args: [ctx.cliPath, ...args],
    cwd: ctx.cwd,
    // VS Code's binary is Electron: this makes it behave as plain Node (harmless for node itself).
    env: { ...process.env, ...ctx.env, ELECTRON_RUN_AS_NODE: '1' },
  };
}

export function trainLaunch(
  ctx: LaunchContext,
  opts: {
    target: TrainTarget;
    runDir?: string;
    backend?: BackendChoice;
    threads?: ThreadsChoice;
    steps?: number;
    name?: string;
    notes?: string;
  },
): TrainerLaunch {
  // --host-stdin: if the window dies, its end of stdin closes and the run checkpoints and stops.
  const args = ['train', ...targetArgs(opts.target), '--json', '--host-stdin'];
  if (opts.runDir && opts.target.kind !== 'resume') args.push('--run-dir', path.resolve(ctx.cwd, opts.runDir));
  args.push(...computeArgs(opts));
  if (opts.steps !== undefined) args.push('--steps', String(opts.steps));
  // One argument each (no shell): a name with spaces or quotes arrives as typed.
  if (opts.name !== undefined) args.push('--name', opts.name);
  if (opts.notes !== undefined) args.push('--notes', opts.notes);
  return launch(ctx, args);
}

export function pretrainLaunch(
  ctx: LaunchContext,
  opts: { target: Exclude<TrainTarget, { kind: 'resume' }>; backend?: BackendChoice; threads?: ThreadsChoice; steps?: number },
): TrainerLaunch {
  const args = ['pretrain-f', ...targetArgs(opts.target), '--json', ...computeArgs(opts)];
  if (opts.steps !== undefined) args.push('--steps', String(opts.steps));
  return launch(ctx, args);
}

/** `dtn serve`: the warm translator for one checkpoint (or a run folder's newest). */
export function serveLaunch(ctx: LaunchContext, opts: { checkpoint: string; backend?: BackendChoice }): TrainerLaunch {
  const args = ['serve', '--checkpoint', path.resolve(ctx.cwd, opts.checkpoint), '--json'];
  if (opts.backend) args.push('--backend', opts.backend);
  return launch(ctx, args);
}

/** `dtn export`: a checkpoint (or a run folder's newest) to a self-contained export folder. */
export function exportLaunch(ctx: LaunchContext, opts: { checkpoint: string; out: string; force?: boolean }): TrainerLaunch {
  const args = ['export', '--checkpoint', path.resolve(ctx.cwd, opts.checkpoint), '--out', path.resolve(ctx.cwd, opts.out), '--json'];
  if (opts.force) args.push('--force');
  return launch(ctx, args);
}

/** `dtn train-classifier`: the target-domain classifier that scores translations. */
export function trainClassifierLaunch(
  ctx: LaunchContext,
  opts: { target: Exclude<TrainTarget, { kind: 'resume' }>; backend?: BackendChoice; threads?: ThreadsChoice; steps?: number },
): TrainerLaunch {
  const args = ['train-classifier', ...targetArgs(opts.target), '--json', ...computeArgs(opts)];
  if (opts.steps !== undefined) args.push('--steps', String(opts.steps));
  return launch(ctx, args);
}

/** `dtn ablate`: the paper's ablation, `steps` per variant, into `out`. */
export function ablateLaunch(
  ctx: LaunchContext,
  opts: { target: Exclude<TrainTarget, { kind: 'resume' }>; steps: number; out: string; backend?: BackendChoice; threads?: ThreadsChoice },
): TrainerLaunch {
  const args = ['ablate', ...targetArgs(opts.target), '--json', '--steps', String(opts.steps), '--out', path.resolve(ctx.cwd, opts.out)];
  args.push(...computeArgs(opts));
  return launch(ctx, args);
}

/** `dtn eval`: scores one checkpoint; the report lands in <run>/eval/step-XXXXXXXX.{json,md}. */
export function evalLaunch(ctx: LaunchContext, opts: { checkpoint: string; backend?: BackendChoice }): TrainerLaunch {
  const args = ['eval', '--checkpoint', path.resolve(ctx.cwd, opts.checkpoint), '--json'];
  if (opts.backend) args.push('--backend', opts.backend);
  return launch(ctx, args);
}

/** The command line as a shell would take it, for the trainer log. */
export function describeLaunch(l: TrainerLaunch): string {
  const quote = (a: string) => (/^[\w./:=@+-]+$/.test(a) ? a : JSON.stringify(a));
  return `$ ${[l.command, ...l.args].map(quote).join(' ')}   (cwd ${l.cwd})`;
}
