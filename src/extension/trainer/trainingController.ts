/**
 * Starts, follows and stops the trainer child process for this window: at most one job (a DTN run
 * or an encoder pretraining) at a time. Turns trainer messages into the status bar, the log, the
 * start-up progress notification and crash notifications; pokes the run feeds so panels update.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrainerMessage } from '../../shared/protocol';
import { newRunId } from '../../shared/node/runFiles';
import { DashboardPanel } from '../panels/dashboardPanel';
import { SamplesPanel } from '../panels/samplesPanel';
import { initialLiveRun, reduceLiveRun, type LiveRunState } from '../runs/liveRunState';
import type { RunFeeds } from '../runs/runFeeds';
import { backendSetting, openDashboardOnStart, runRoot, threadsSetting } from '../settings';
import { TrainingStatusBar } from '../views/statusBar';
import { describeLaunch, pretrainLaunch, trainLaunch, type LaunchContext, type TrainerLaunch, type TrainTarget } from './trainerLaunch';
import { TrainerProcess, type TrainerExit } from './trainerProcess';
import { launchContext } from './trainerTask';
import type { TrainerLog } from './trainerLog';

interface Job {
  kind: 'train' | 'pretrain';
  label: string;
  target: TrainTarget;
  proc: TrainerProcess;
  state: LiveRunState;
}

const SHOW_LOG = 'Show Log';
const STOP_OTHER = 'Stop That Run';

export class TrainingController implements vscode.Disposable {
  private job: Job | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the live run starts, advances, stops or exits. */
  readonly onDidChange = this.changed.event;
  private readonly statusBar = new TrainingStatusBar();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: TrainerLog,
    private readonly feeds: RunFeeds,
    private readonly onRunOpened: (runDir: string) => void,
  ) {}

  /** The live DTN run (not a pretraining job), if any. */
  get live(): LiveRunState | undefined {
    return this.job?.kind === 'train' && this.job.state.phase !== 'finished' ? this.job.state : undefined;
  }

  liveFor(runDir: string): LiveRunState | undefined {
    const live = this.live;
    return live && path.resolve(live.runDir) === path.resolve(runDir) ? live : undefined;
  }

  get busy(): boolean {
    return this.job !== undefined;
  }

  private launchContext(cwd: string): LaunchContext {
    return launchContext(this.extensionUri, cwd);
  }

  private async refuseIfBusy(): Promise<boolean> {
    if (!this.job) return false;
    const pick = await vscode.window.showWarningMessage(`DTN: ${this.job.label} is still running. Stop it first.`, 'Stop It', SHOW_LOG);
    if (pick === 'Stop It') await this.stop();
    if (pick === SHOW_LOG) this.log.show();
    return true;
  }

  /**
   * `named`: a new run's folder id (chosen before asking for its name, whose default derives from
   * it), name and notes.
   */
  async startTraining(
    target: TrainTarget,
    label: string,
    cwd: string,
    runName: string,
    named?: { runId: string; name: string; notes?: string },
  ): Promise<void> {
    if (await this.refuseIfBusy()) return;
    const runDir = target.kind === 'resume' ? runDirOf(target.from) : path.join(runRoot(cwd), named?.runId ?? newRunId(runName));
    const launch = trainLaunch(this.launchContext(cwd), {
      target,
      runDir,
      backend: backendSetting(),
      threads: threadsSetting(),
      ...(named && target.kind !== 'resume' ? { name: named.name, notes: named.notes } : {}),
    });
    const job = this.spawn('train', label, target, launch, runDir);
    await this.startupProgress(job, `DTN: starting ${label}`);
    if (job.state.phase === 'training' && openDashboardOnStart()) this.onRunOpened(job.state.runDir);
  }

  async pretrain(target: Exclude<TrainTarget, { kind: 'resume' }>, label: string, cwd: string): Promise<TrainerExit | undefined> {
    if (await this.refuseIfBusy()) return undefined;
    const job = this.spawn(
      'pretrain',
      `pretraining f for ${label}`,
      target,
      pretrainLaunch(this.launchContext(cwd), { target, backend: backendSetting(), threads: threadsSetting() }),
      cwd,
    );
    await this.startupProgress(job, `DTN: pretraining the encoder f for ${label}`, true);
    return job.proc.exited;
  }

  /** Stop = the trainer finishes its step, writes a checkpoint, exits. */
  async stop(): Promise<void> {
    const job = this.job;
    if (!job) {
      void vscode.window.showInformationMessage('DTN: no training is running in this window.');
      return;
    }
    this.update(job, { ...job.state, phase: 'stopping' });
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `DTN: stopping ${job.label} (writing a checkpoint)…` },
      () => job.proc.stop(),
    );
  }

  /** Window closing / extension deactivating: ask for a clean stop and wait a little for it. */
  async shutdown(waitMs: number): Promise<void> {
    const job = this.job;
    if (!job) return;
    this.log.info('window closing: stopping the trainer (checkpoint first)');
    // If the host dies before the trainer exits, the trainer still stops cleanly: stdin closes.
    await Promise.race([job.proc.stop(), new Promise((r) => setTimeout(r, waitMs))]);
  }

  private spawn(kind: Job['kind'], label: string, target: TrainTarget, launch: TrainerLaunch, runDir: string): Job {
    this.log.info(describeLaunch(launch));
    const proc = new TrainerProcess(launch);
    const job: Job = { kind, label, target, proc, state: initialLiveRun(runDir) };
    this.job = job;
    proc.onLog((l) => this.log.line(l));
    proc.onMessage((m) => this.onMessage(job, m));
    void proc.exited.then((exit) => this.onExit(job, exit));
    this.update(job, job.state);
    return job;
  }

  private onMessage(job: Job, m: TrainerMessage): void {
    this.log.message(m);
    const next = reduceLiveRun(job.state, m);
    if (m.type === 'metrics' || m.type === 'sample' || m.type === 'checkpoint' || m.type === 'started' || m.type === 'done')
      this.feeds.poke(next.runDir);
    if (next !== job.state) this.update(job, next);
    if (m.type === 'checkpoint' || m.type === 'started') void vscode.commands.executeCommand('dtn.refreshRuns');
  }

  private update(job: Job, state: LiveRunState): void {
    job.state = state;
    if (job.kind === 'train') this.statusBar.update(state, job.label);
    this.changed.fire();
  }

  /** Shows start-up in a cancellable notification until the run has started (or failed). */
  private startupProgress(job: Job, title: string, untilExit = false): Thenable<void> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          const sub = job.proc.onMessage((m) => {
            if (m.type === 'status') progress.report({ message: m.message });
            if (m.type === 'started' && !untilExit) finish();
          });
          const cancel = token.onCancellationRequested(() => void job.proc.stop());
          const finish = () => {
            sub.dispose();
            cancel.dispose();
            resolve();
          };
          void job.proc.exited.then(finish);
        }),
    );
  }

  private async onExit(job: Job, exit: TrainerExit): Promise<void> {
    // The trainer's own error line is already in the log: say that instead of repeating it.
    const cause = exit.error ? 'with the error above' : exit.cause;
    this.log.info(`trainer exited (code ${exit.code}${exit.signal ? `, signal ${exit.signal}` : ''}): ${cause}`);
    if (this.job === job) this.job = undefined;
    this.update(job, { ...job.state, phase: 'finished' });
    this.statusBar.update(undefined);
    this.feeds.poke(job.state.runDir);
    void vscode.commands.executeCommand('dtn.refreshRuns');

    // `dtn pretrain-f` ends without a `done` message (that is a DTN run's): its exit code says it all.
    const failed = job.kind === 'pretrain' ? exit.code !== 0 || exit.error !== undefined : exit.crashed;
    if (failed) return this.reportCrash(job, exit);
    if (job.kind === 'pretrain') {
      const pick = await vscode.window.showInformationMessage(`DTN: encoder f ready (${job.label}).`, 'Start Training');
      if (pick === 'Start Training' && job.target.kind !== 'resume') void vscode.commands.executeCommand('dtn.startTraining', job.target);
      return;
    }
    const d = exit.done!;
    const what = d.reason === 'completed' ? `finished ${d.step} steps` : `stopped at step ${d.step}`;
    // Offer only the panels that are not already showing this run.
    const actions = [
      ...(DashboardPanel.current?.shownRun === path.resolve(d.runDir) ? [] : ['Open Dashboard']),
      ...(SamplesPanel.current?.shownRun === path.resolve(d.runDir) ? [] : ['Open Samples']),
    ];
    const pick = await vscode.window.showInformationMessage(
      `DTN: ${job.label} ${what}.${d.checkpoint ? ` Checkpoint: ${path.basename(d.checkpoint)}` : ''}`,
      ...actions,
    );
    if (pick === 'Open Dashboard') void vscode.commands.executeCommand('dtn.openDashboard', d.runDir);
    if (pick === 'Open Samples') void vscode.commands.executeCommand('dtn.openSamples', d.runDir);
  }

  private async reportCrash(job: Job, exit: TrainerExit): Promise<void> {
    const missingEncoder = exit.error?.code === 'ENCODER_MISSING' && job.target.kind !== 'resume';
    // Another live trainer holds the run (a terminal, a window before a reload): offer to stop it.
    const busy = exit.error?.code === 'RUN_BUSY';
    const actions = missingEncoder ? ['Pretrain Encoder', SHOW_LOG] : busy ? [STOP_OTHER, SHOW_LOG] : [SHOW_LOG];
    const pick = await vscode.window.showErrorMessage(`DTN: ${job.label} failed: ${exit.cause}`, ...actions);
    if (pick === SHOW_LOG) this.log.show();
    if (pick === 'Pretrain Encoder') void vscode.commands.executeCommand('dtn.pretrainEncoder', job.target);
    if (pick === STOP_OTHER) void vscode.commands.executeCommand('dtn.stopTraining', job.state.runDir);
  }

  dispose(): void {
    // Deactivation already asked for a clean stop; this is the last resort for a hung trainer.
    if (this.job?.proc.running) void this.job.proc.stop(5000);
    this.statusBar.dispose();
    this.changed.dispose();
  }
}

/** `--resume` takes a run folder or one of its checkpoints (<run>/checkpoints/step-N). */
function runDirOf(from: string): string {
  return path.basename(path.dirname(from)) === 'checkpoints' ? path.dirname(path.dirname(from)) : from;
}
