/**
 * Runs a sweep's runs as child `dtn train` processes, `parallel` at a time, keeping sweep.json's
 * state of each run current and rewriting the summary after each run ends. A failed run is
 * recorded (code and message) and the others go on. `stop()` asks every running child to
 * checkpoint and exit; runs not started stay pending. On resume: completed runs are skipped,
 * stopped or interrupted ones continue from their newest checkpoint, failed ones start over.
 */
import * as fs from 'node:fs';
import type { BackendChoice } from '../../shared/config';
import { listCheckpointDirs } from '../../shared/node/runFiles';
import type { TrainerMessage } from '../../shared/protocol';
import { RUN_NAME_MAX } from '../../shared/runLabel';
import type { SweepFile, SweepRun } from '../../shared/sweep';
import { startChildRun, type ChildOutcome, type ChildRun } from './childRun';
import { runDirOf, writeSummary, writeSweepFile } from './sweepFolder';
import type { SweepProgress, RunView } from './sweepProgress';
import { overrideArgs } from './sweepSpec';

export interface SweepRunnerOptions {
  dir: string;
  sweep: SweepFile;
  /** The `dtn` CLI script the children run. */
  cli: string;
  /** Where the children run (a preset's relative paths resolve against it). */
  cwd: string;
  parallel: number;
  /** `--preset <p>` or `--config <file>`: the base config, as the child resolves it. */
  baseArgs: string[];
  backend?: BackendChoice;
  /** Each child's `--threads`, when runs share the cores; else the child's default (auto). */
  threads?: number;
  progress: SweepProgress;
}

export interface SweepResult {
  sweep: SweepFile;
  stopped: boolean;
}

/** The `dtn train` arguments of a run: continue it from its checkpoint, or start it (over). */
export function trainArgs(
  opts: Pick<SweepRunnerOptions, 'dir' | 'sweep' | 'baseArgs' | 'backend' | 'threads'>,
  run: SweepRun,
): { args: string[]; how: string } {
  const runDir = runDirOf(opts.dir, run);
  const common = [
    '--json',
    '--host-stdin',
    ...(opts.backend ? ['--backend', opts.backend] : []),
    ...(opts.threads ? ['--threads', String(opts.threads)] : []),
  ];
  const resumable = run.state === 'stopped' || run.state === 'running';
  if (resumable && listCheckpointDirs(runDir).length > 0) {
    return { args: ['train', '--resume', runDir, ...common], how: 'resuming from its newest checkpoint' };
  }
  // A folder left by a failed, or an interrupted-before-its-first-checkpoint, run of this sweep is ours to replace.
  const force = fs.existsSync(runDir) ? ['--force'] : [];
  const variant = opts.sweep.variants[run.variant];
  // Named after the sweep and the variant, so the tree, Compare and the table say which run is which.
  const name = ['--name', `${opts.sweep.id} ${run.name}`.slice(0, RUN_NAME_MAX)];
  return {
    args: [
      'train',
      ...opts.baseArgs,
      '--seed',
      String(run.seed),
      ...overrideArgs(variant),
      '--run-dir',
      runDir,
      ...name,
      ...force,
      ...common,
    ],
    how: run.state === 'failed' ? 'starting over (it failed before)' : force.length ? 'starting over' : 'starting',
  };
}

export class SweepRunner {
  private readonly active = new Map<string, ChildRun>();
  private stopping = false;
  private readonly queue: SweepRun[];
  private finishedResolve?: () => void;

  constructor(private readonly opts: SweepRunnerOptions) {
    this.queue = opts.sweep.runs.filter((r) => r.state !== 'completed');
  }

  private get sweep(): SweepFile {
    return this.opts.sweep;
  }

  private view(run: SweepRun): RunView {
    return { name: run.name, variant: this.sweep.variants[run.variant].id, seed: run.seed };
  }

  private save(): void {
    writeSweepFile(this.opts.dir, this.sweep);
  }

  private showOverall(): void {
    const ended = this.sweep.runs.filter((r) => r.state === 'completed' || r.state === 'failed');
    this.opts.progress.overall(ended.length, this.sweep.runs.length, ended.filter((r) => r.state === 'failed').length);
  }

  async run(): Promise<SweepResult> {
    this.showOverall();
    const finished = new Promise<void>((resolve) => (this.finishedResolve = resolve));
    this.fill();
    await finished;
    writeSummary(this.opts.dir, this.sweep);
    return { sweep: this.sweep, stopped: this.stopping };
  }

  /** Ctrl-C / SIGTERM: every running child checkpoints and exits; nothing new starts. A second time: they exit at once. */
  stop(): void {
    this.opts.progress.note(
      this.stopping
        ? 'stopping at once: the running runs exit without a new checkpoint (their last one is kept)'
        : `stopping: ${this.active.size} running run(s) write a checkpoint and exit; resume with dtn sweep --resume ${this.opts.dir}`,
    );
    this.stopping = true;
    for (const child of this.active.values()) child.stop();
    this.checkFinished();
  }

  private checkFinished(): void {
    if (this.active.size === 0 && (this.stopping || this.queue.length === 0)) this.finishedResolve?.();
  }

  private fill(): void {
    while (!this.stopping && this.active.size < this.opts.parallel && this.queue.length > 0) this.launch(this.queue.shift()!);
    this.checkFinished();
  }

  private launch(run: SweepRun): void {
    const { args, how } = trainArgs(this.opts, run);
    const view = this.view(run);
    run.state = 'running';
    run.error = undefined;
    run.startedAt = new Date().toISOString();
    run.endedAt = undefined;
    this.save();
    this.opts.progress.runStarted(view, how);
    const child = startChildRun({ cli: this.opts.cli, args, cwd: this.opts.cwd, onMessage: (msg) => this.onMessage(run, view, msg) });
    this.active.set(run.name, child);
    this.showOverall();
    void child.outcome.then((outcome) => this.ended(run, view, outcome));
  }

  private onMessage(run: SweepRun, view: RunView, msg: TrainerMessage): void {
    if (msg.type === 'started') {
      run.step = msg.startStep;
      run.totalSteps = msg.totalSteps;
      this.opts.progress.runProgress(view, msg.startStep, msg.totalSteps, undefined);
    } else if (msg.type === 'metrics') {
      run.step = msg.record.step;
      run.totalSteps = msg.totalSteps;
      this.opts.progress.runProgress(view, msg.record.step, msg.totalSteps, msg.record.eval?.accuracy);
    } else if (msg.type === 'warning') {
      this.opts.progress.warn(`${run.name}: ${msg.message}`);
    }
  }

  private ended(run: SweepRun, view: RunView, outcome: ChildOutcome): void {
    this.active.delete(run.name);
    run.endedAt = new Date().toISOString();
    if (outcome.step !== undefined) run.step = outcome.step;
    if (outcome.kind === 'failed') {
      run.state = 'failed';
      run.error = { code: outcome.code, message: outcome.message.slice(0, 4000) };
      this.opts.progress.runEnded(view, `failed (${outcome.code}): ${outcome.message.split('\n')[0]}`);
    } else {
      run.state = outcome.kind;
      this.opts.progress.runEnded(view, `${outcome.kind} at step ${outcome.step}`);
    }
    this.save();
    try {
      writeSummary(this.opts.dir, this.sweep);
    } catch (err) {
      // The summary is rewritten at the end again; a failed write must not stop the other runs.
      this.opts.progress.warn(`could not write the summary: ${(err as Error).message}`);
    }
    this.showOverall();
    this.fill();
  }
}
