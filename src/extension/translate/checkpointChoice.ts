/**
 * Which checkpoint translates: the one last chosen in this workspace while it still exists, else the
 * best checkpoint of the newest run that has one (run.json `best`), else that run's newest. No
 * vscode import: plain folders in, a choice out, so it is unit-tested over fake run folders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bestCheckpointOf, listCheckpointDirs, readMetricsFile, readRunInfoFile } from '../../shared/node/runFiles';
import { runDisplayName } from '../../shared/node/runLabelFile';
import { RUN_FILES, TENSOR_MANIFEST } from '../../shared/node/runLayout';

export interface CheckpointInfo {
  runDir: string;
  runId: string;
  /** The run's name (label.json), else its folder's id. */
  runName: string;
  step: number;
  path: string;
  /** Translation accuracy of the evaluation at this step, when the run evaluated it. */
  accuracy?: number;
  /** When the checkpoint was written (ms since the epoch). */
  time: number;
  /** A faces run: its inputs are photos, translated through their detected, aligned face crop. */
  faces?: boolean;
}

export type CheckpointChoice = CheckpointInfo & { reason: 'chosen' | 'best' | 'newest' };

const isCheckpoint = (dir: string) => fs.existsSync(path.join(dir, TENSOR_MANIFEST));
const mtime = (p: string) => {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
};

/** A checkpoint folder lies at <run>/checkpoints/step-XXXXXXXX. */
export const runDirOfCheckpoint = (checkpoint: string) => path.dirname(path.dirname(path.resolve(checkpoint)));

/** The run's complete checkpoints, newest step first, each with the accuracy evaluated at its step. */
export function runCheckpoints(runDir: string): CheckpointInfo[] {
  const accuracy = new Map<number, number>();
  for (const r of readMetricsFile(runDir)) if (r.eval) accuracy.set(r.step, r.eval.accuracy);
  const runId = readRunInfoFile(runDir)?.runId ?? path.basename(runDir);
  const runName = runDisplayName(runDir);
  const faces = isFacesRun(runDir) || undefined;
  return listCheckpointDirs(runDir)
    .reverse()
    .map((c) => ({ runDir, runId, runName, step: c.step, path: c.path, accuracy: accuracy.get(c.step), time: mtime(c.path), faces }));
}

/** Whether the run's config.json has the faces architecture (read as data; anything odd reads as digits). */
function isFacesRun(runDir: string): boolean {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(runDir, RUN_FILES.config), 'utf8')) as { architecture?: { kind?: unknown } };
    return raw.architecture?.kind === 'faces';
  } catch {
    return false;
  }
}

/** `runDirs` newest first (as listRunDirs gives them); `lastChosen` from the workspace's memory. */
export function chooseCheckpoint(runDirs: string[], lastChosen?: string): CheckpointChoice | undefined {
  if (lastChosen && isCheckpoint(lastChosen)) {
    const runDir = runDirOfCheckpoint(lastChosen);
    const info = runCheckpoints(runDir).find((c) => path.resolve(c.path) === path.resolve(lastChosen));
    if (info) return { ...info, reason: 'chosen' };
  }
  for (const runDir of runDirs) {
    const all = runCheckpoints(runDir);
    if (all.length === 0) continue;
    const best = bestCheckpointOf(runDir);
    const info = best && all.find((c) => c.step === best.step);
    return info ? { ...info, reason: 'best' } : { ...all[0], reason: 'newest' };
  }
  return undefined;
}

/** One line for notifications and the panel: `run name · step 400 · accuracy 71.2%`. */
export function describeCheckpoint(c: Pick<CheckpointInfo, 'runId' | 'step' | 'accuracy' | 'faces'> & { runName?: string }): string {
  const acc = c.accuracy === undefined ? '' : ` · ${c.faces ? 'identity top-1' : 'accuracy'} ${(100 * c.accuracy).toFixed(1)}%`;
  return `${c.runName ?? c.runId} · step ${c.step}${acc}`;
}
