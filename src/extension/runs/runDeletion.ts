/**
 * Deleting whole runs (the experiments table's Delete): only a run folder of ours directly inside a
 * run root (`.dtn/runs` or the dtn.runRoot setting), holding nothing but what a trainer writes, and
 * never a live run (this window's, or any whose lock a live process holds). The deletion itself
 * takes the run's lock (a trainer starting meanwhile gets RUN_BUSY), moves the folder aside and
 * removes it. No vscode here: the checks are unit-tested on crafted folders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DtnError } from '../../shared/errors';
import { isRunDir, runState } from '../../shared/node/runFiles';
import { RUN_FILES } from '../../shared/node/runLayout';
import { runDisplayName } from '../../shared/node/runLabelFile';
import { acquireRunLock } from '../../shared/node/runLock';

export type RunDeletionVerdict = { ok: true; runDir: string; name: string } | { ok: false; runDir: string; reason: string };

/** What a trainer writes into a run folder (and the temporary files of its atomic writes). */
const OWN_ENTRIES = new Set<string>(Object.values(RUN_FILES));
const isLeftover = (name: string) => /\.tmp-|\.stale-|\.takeover$/.test(name);

function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

export function vetRunDeletion(target: string, runRoots: readonly string[], liveRunDir: string | undefined): RunDeletionVerdict {
  const runDir = path.resolve(target);
  const no = (reason: string): RunDeletionVerdict => ({ ok: false, runDir, reason });
  const parent = real(path.dirname(runDir));
  if (!runRoots.some((r) => real(r) === parent))
    return no(`${runDir} is not a run folder directly inside the run root (${runRoots.join(', ') || 'none open'})`);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(runDir);
  } catch {
    return no(`${runDir} does not exist`);
  }
  if (!stat.isDirectory()) return no(`${runDir} is not a folder (a link is never followed)`);
  if (!isRunDir(runDir)) return no(`${runDir} holds no run (no ${RUN_FILES.run} or ${RUN_FILES.metrics})`);
  const foreign = fs.readdirSync(runDir).filter((n) => !OWN_ENTRIES.has(n) && !isLeftover(n));
  if (foreign.length)
    return no(`${runDir} also holds files the trainer did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})`);
  if (liveRunDir !== undefined && real(liveRunDir) === real(runDir))
    return no(`${path.basename(runDir)} is training in this window: stop it first`);
  const state = runState(runDir);
  if (state.status === 'running') {
    const who = state.owner ? `process ${state.owner.pid} on ${state.owner.hostname}` : 'a live trainer';
    return no(`${path.basename(runDir)} is being trained by ${who} (its ${RUN_FILES.lock}): stop it first`);
  }
  return { ok: true, runDir, name: runDisplayName(runDir) };
}

/**
 * Deletes a run that vetRunDeletion accepted, checking again under the run's lock. Throws a
 * DtnError: RUN_BUSY when a trainer took the run meanwhile, RUN_INVALID when it no longer passes.
 */
export function deleteRun(target: string, runRoots: readonly string[], liveRunDir: string | undefined): void {
  const first = vetRunDeletion(target, runRoots, liveRunDir);
  if (!first.ok) throw new DtnError('RUN_INVALID', `not deleted: ${first.reason}`, { file: first.runDir });
  const lock = acquireRunLock(first.runDir, { command: ['dtn-studio', 'delete-run'] });
  const aside = path.join(path.dirname(first.runDir), `.${path.basename(first.runDir)}.deleting-${process.pid}`);
  try {
    // Under the lock, a live trainer cannot have started; the contents are checked once more.
    const foreign = fs.readdirSync(first.runDir).filter((n) => !OWN_ENTRIES.has(n) && !isLeftover(n));
    if (foreign.length) throw new DtnError('RUN_INVALID', `not deleted: ${first.runDir} gained files (${foreign.join(', ')})`);
    // Moved aside first: the run vanishes from every reader at once, even if removing takes a while.
    fs.renameSync(first.runDir, aside);
  } catch (err) {
    lock.release();
    throw err;
  }
  fs.rmSync(aside, { recursive: true, force: true });
}
