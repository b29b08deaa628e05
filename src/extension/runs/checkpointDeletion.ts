/**
 * May the Runs view's Delete remove this folder? Only a complete DTN checkpoint in its place
 * (<run>/checkpoints/step-XXXXXXXX with a manifest of kind dtn-checkpoint), never one of the run
 * this window is training (its trainer writes and prunes that folder), never anything else.
 * No vscode here: the checks are unit-tested on crafted paths.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isRunDir, listCheckpointDirs, readRunInfoFile, runState } from '../../shared/node/runFiles';
import { RUN_FILES, TENSOR_MANIFEST } from '../../shared/node/runLayout';

export type DeletionVerdict =
  | {
      ok: true;
      runDir: string;
      step: number;
      /** The run has no other checkpoint: ask again. */
      last: boolean;
      /** run.json's best points at it. */
      best: boolean;
      /** run.json says running, though this window trains nothing there (a CLI run, or one that died). */
      runningElsewhere: boolean;
    }
  | { ok: false; reason: string };

export function vetCheckpointDeletion(target: string, liveRunDir: string | undefined): DeletionVerdict {
  const dir = path.resolve(target);
  const m = /^step-(\d{8})$/.exec(path.basename(dir));
  const parent = path.dirname(dir);
  const runDir = path.dirname(parent);
  if (!m || path.basename(parent) !== RUN_FILES.checkpoints || !isRunDir(runDir))
    return { ok: false, reason: `${dir} is not a checkpoint folder of a run (<run>/checkpoints/step-XXXXXXXX)` };
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return { ok: false, reason: `${dir} does not exist` };
  }
  if (!stat.isDirectory()) return { ok: false, reason: `${dir} is not a folder (a link is never followed)` };
  if (manifestKind(dir) !== 'dtn-checkpoint') return { ok: false, reason: `${dir} holds no ${TENSOR_MANIFEST} of a DTN checkpoint` };
  if (liveRunDir !== undefined && sameDir(liveRunDir, runDir))
    return { ok: false, reason: `${path.basename(runDir)} is training in this window: its trainer writes and prunes these checkpoints` };
  const step = Number(m[1]);
  const info = readRunInfoFile(runDir);
  const others = listCheckpointDirs(runDir).filter((c) => path.resolve(c.path) !== dir);
  return {
    ok: true,
    runDir,
    step,
    last: others.length === 0,
    best: info?.best?.step === step,
    runningElsewhere: runState(runDir, info).status === 'running',
  };
}

function manifestKind(dir: string): unknown {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, TENSOR_MANIFEST), 'utf8')) as { meta?: { kind?: unknown } }).meta?.kind;
  } catch {
    return undefined;
  }
}

function sameDir(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}
