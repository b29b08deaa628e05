/**
 * One-shot trainer commands (`dtn export`, `dtn train-classifier`, `dtn ablate`): a TrainerProcess
 * followed in a progress notification, its output in the trainer log, Cancel stopping the child.
 * Training runs go through TrainingController instead (one live run, status bar, panels).
 */
import * as vscode from 'vscode';
import type { TrainerMessage } from '../../shared/protocol';
import { tensorflowModules } from '../settings';
import { describeLaunch, tensorflowModulesEnv, type LaunchContext, type TrainerLaunch, type TrainTarget } from './trainerLaunch';
import type { TrainerLog } from './trainerLog';
import { TrainerProcess, type TrainerExit } from './trainerProcess';

/** The bundled CLI, run by VS Code's own binary as Node, in `cwd` (the workspace folder). */
export function launchContext(extensionUri: vscode.Uri, cwd: string): LaunchContext {
  return {
    cliPath: vscode.Uri.joinPath(extensionUri, 'dist', 'trainer', 'cli.js').fsPath,
    nodePath: process.execPath,
    cwd,
    env: tensorflowModulesEnv(tensorflowModules(), cwd),
  };
}

export interface TaskOutcome {
  exit: TrainerExit;
  /** Exited 0 without an error message: these commands end without a `done` message. */
  ok: boolean;
  cancelled: boolean;
  /** The last `status` message: these commands end by saying what they wrote. */
  lastStatus?: string;
}

/** How a message reads in the notification; undefined leaves it as it is. */
export type Describe = (m: TrainerMessage) => string | undefined;

const describeStatus: Describe = (m) => (m.type === 'status' ? m.message : undefined);

export function runTrainerTask(
  log: TrainerLog,
  launch: TrainerLaunch,
  /** `logStdout: false` keeps a command's long non-protocol stdout (a report it also writes to disk) out of the log. */
  opts: { title: string; describe?: Describe; logStdout?: boolean },
): Thenable<TaskOutcome> {
  const describe = opts.describe ?? describeStatus;
  log.info(describeLaunch(launch));
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: opts.title, cancellable: true },
    async (progress, token) => {
      const proc = new TrainerProcess(launch);
      let cancelled = false;
      let lastStatus: string | undefined;
      const subs = [
        proc.onLog((l) => (opts.logStdout !== false || l.stream !== 'stdout') && log.line(l)),
        proc.onMessage((m) => {
          log.message(m);
          if (m.type === 'status') lastStatus = m.message;
          const message = describe(m);
          if (message) progress.report({ message });
        }),
        token.onCancellationRequested(() => {
          cancelled = true;
          // These commands have no checkpoint to write: a second's grace, then SIGTERM.
          void proc.stop(1000);
        }),
      ];
      try {
        const exit = await proc.exited;
        log.info(`trainer exited (code ${exit.code}${exit.signal ? `, signal ${exit.signal}` : ''})`);
        return { exit, ok: exit.code === 0 && !exit.error && !cancelled, cancelled, lastStatus };
      } finally {
        subs.forEach((s) => s.dispose());
        proc.dispose();
      }
    },
  );
}

/** The failure with the action its code calls for (a missing encoder offers "Pretrain Encoder", as training does). */
export async function reportTaskFailure(
  log: TrainerLog,
  what: string,
  outcome: TaskOutcome,
  target?: Exclude<TrainTarget, { kind: 'resume' }>,
): Promise<void> {
  if (outcome.cancelled) return void vscode.window.showInformationMessage(`DTN: ${what} cancelled.`);
  const code = outcome.exit.error?.code;
  const actions = [];
  if (code === 'ENCODER_MISSING' && target) actions.push('Pretrain Encoder');
  if (code === 'CLASSIFIER_MISSING' && target) actions.push('Train Classifier');
  const pick = await vscode.window.showErrorMessage(`DTN: ${what} failed: ${outcome.exit.cause}`, ...actions, 'Show Log');
  if (pick === 'Show Log') log.show();
  if (pick === 'Pretrain Encoder') void vscode.commands.executeCommand('dtn.pretrainEncoder', target);
  if (pick === 'Train Classifier') void vscode.commands.executeCommand('dtn.trainClassifier', target);
}
