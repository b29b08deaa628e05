/**
 * DTN: Evaluate on a checkpoint: `dtn eval --checkpoint <dir> --json` in its own child process (it
 * may run beside a training run), with a cancellable progress notification. `dtn eval` writes the
 * report into <run>/eval/, where the Runs view and the dashboard read it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendChoice } from '../../shared/config';
import type { ErrorCode } from '../../shared/errors';
import { readEvalReport, type EvalScores } from '../../shared/node/evalReports';
import { evalLaunch, type LaunchContext } from './trainerLaunch';
import { TrainerProcess } from './trainerProcess';
import type { TrainerLog } from './trainerLog';

export type EvalOutcome = { ok: true; scores: EvalScores } | { ok: false; cause: string; code?: ErrorCode; cancelled: boolean };

export function evaluateCheckpoint(
  ctx: LaunchContext,
  checkpoint: { path: string; runDir: string; step: number },
  backend: BackendChoice | undefined,
  log: TrainerLog,
): Thenable<EvalOutcome> {
  const launch = evalLaunch(ctx, { checkpoint: checkpoint.path, backend });
  const title = `DTN: evaluating step ${checkpoint.step} of ${path.basename(checkpoint.runDir)}`;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
    log.info(`$ ${launch.command} ${launch.args.join(' ')}   (cwd ${launch.cwd})`);
    const proc = new TrainerProcess(launch);
    // The report's JSON line is long and lands in the run folder anyway: only stderr and notes go to the log.
    proc.onLog((l) => l.stream !== 'stdout' && log.line(l));
    proc.onMessage((m) => log.message(m));
    const cancel = token.onCancellationRequested(() => proc.kill());
    try {
      const exit = await proc.exited;
      // `dtn eval` never says `done`: success is exit code 0 and the report on disk.
      const scores = exit.code === 0 ? readEvalReport(checkpoint.runDir, checkpoint.step) : undefined;
      if (scores) return { ok: true, scores };
      const cause = exit.error ? exit.error.message : exit.code === 0 ? 'dtn eval wrote no report' : exit.cause;
      return { ok: false, cause, code: exit.error?.code, cancelled: token.isCancellationRequested };
    } finally {
      cancel.dispose();
      proc.dispose();
    }
  });
}
