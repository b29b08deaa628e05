/**
 * DTN: Evaluate on a checkpoint: `dtn eval --checkpoint <dir> --json` in its own child process (it
 * may run beside a training run), with a cancellable progress notification. `dtn eval` writes the
 * report into <run>/eval/, where the Runs view and the dashboard read it.
 */
import * as path from 'node:path';
import type { BackendChoice } from '../../shared/config';
import type { ErrorCode } from '../../shared/errors';
import { readEvalReport, type EvalScores } from '../../shared/node/evalReports';
import { evalLaunch, type LaunchContext } from './trainerLaunch';
import type { TrainerLog } from './trainerLog';
import { runTrainerTask } from './trainerTask';

export type EvalOutcome = { ok: true; scores: EvalScores } | { ok: false; cause: string; code?: ErrorCode; cancelled: boolean };

export async function evaluateCheckpoint(
  ctx: LaunchContext,
  checkpoint: { path: string; runDir: string; step: number },
  backend: BackendChoice | undefined,
  log: TrainerLog,
): Promise<EvalOutcome> {
  const launch = evalLaunch(ctx, { checkpoint: checkpoint.path, backend });
  const title = `DTN: evaluating step ${checkpoint.step} of ${path.basename(checkpoint.runDir)}`;
  // The report's JSON line is long and lands in the run folder anyway: it stays out of the log.
  const { exit, ok, cancelled } = await runTrainerTask(log, launch, { title, logStdout: false });
  // `dtn eval` never says `done`: success is exit code 0 and the report on disk.
  const scores = ok ? readEvalReport(checkpoint.runDir, checkpoint.step) : undefined;
  if (scores) return { ok: true, scores };
  const cause = exit.error ? exit.error.message : exit.code === 0 ? 'dtn eval wrote no report' : exit.cause;
  return { ok: false, cause, code: exit.error?.code, cancelled };
}
