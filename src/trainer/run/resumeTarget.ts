/**
 * What a checkpoint argument names: `--resume`, `dtn eval --checkpoint`, `dtn translate --checkpoint`
 * and `dtn serve --checkpoint` all resolve through `resolveCheckpoint`.
 *
 * - `best`: the best checkpoint of the newest run under the run root (.dtn/runs).
 * - a checkpoint folder (it holds manifest.json): itself, in its run (<run>/checkpoints/step-XXXXXXXX).
 * - a run folder: its best checkpoint if it has one, else its newest; but `--resume <run>` takes the
 *   newest (resuming from the best would throw away the training after it), hence `ofRun`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bestCheckpointOf, isRunDir, listCheckpointDirs, listRunDirs, readRunInfoFile } from '../../shared/node/runFiles';
import { DEFAULT_RUN_ROOT, TENSOR_MANIFEST } from '../../shared/node/runLayout';
import { DtnError } from '../../shared/errors';

export interface ResolvedCheckpoint {
  checkpoint: string;
  runDir: string;
  /**
   * When a run folder was named for its newest checkpoint: the older ones, newest first, to fall
   * back on if the newest turns out damaged. A checkpoint named explicitly has none.
   */
  older?: string[];
}

/** The keyword for "the best checkpoint of the newest run" (a folder named best: pass ./best). */
export const BEST = 'best';

export interface ResolveOptions {
  /** What a run folder stands for: its best checkpoint (falling back to its newest), or its newest. */
  ofRun: 'best' | 'newest';
  /** Where `best` looks for runs; .dtn/runs under the current folder by default. */
  runRoot?: string;
}

export function resolveCheckpoint(ref: string, opts: ResolveOptions): ResolvedCheckpoint {
  if (ref === BEST) return newestRunBest(path.resolve(opts.runRoot ?? DEFAULT_RUN_ROOT));
  const abs = path.resolve(ref);
  const ofRun = listCheckpointDirs(abs);
  if (ofRun.length > 0) {
    const best = opts.ofRun === 'best' ? bestCheckpointOf(abs) : undefined;
    if (best) return { checkpoint: best.path, runDir: abs };
    const [newest, ...older] = ofRun.map((c) => c.path).reverse();
    return { checkpoint: newest, runDir: abs, older };
  }
  if (fs.existsSync(path.join(abs, TENSOR_MANIFEST))) {
    const kind = manifestKind(abs);
    if (kind !== undefined && kind !== 'dtn-checkpoint') {
      throw new DtnError('CHECKPOINT_MISSING', `${abs} is a ${kind} folder, not a checkpoint`, {
        file: abs,
        fix: 'Pass a checkpoint (.dtn/runs/<id>/checkpoints/step-XXXXXXXX), a run folder, or best',
      });
    }
    return { checkpoint: abs, runDir: path.resolve(abs, '..', '..') };
  }
  if (isRunDir(abs)) {
    // A run stopped or killed before its first checkpoint: nothing to continue from.
    const fix =
      opts.ofRun === 'newest'
        ? `Start it over in the same folder with its config and --run-dir ${abs} --force (or pass another --run-dir)`
        : `Train it until it writes a checkpoint (train.checkpointEvery), or pass another run`;
    throw new DtnError('CHECKPOINT_MISSING', `${abs} is a run folder with no complete checkpoint: it ended before writing one`, {
      file: abs,
      fix,
    });
  }
  throw new DtnError(
    'CHECKPOINT_MISSING',
    `${abs}: not a checkpoint folder and not a run folder with checkpoints. ` +
      'Pass .dtn/runs/<id>/checkpoints/step-XXXXXXXX, the run folder, or best',
    { file: abs },
  );
}

/** The `meta.kind` of a tensor folder's manifest, when it can be read (a damaged one is the loader's to report). */
function manifestKind(dir: string): string | undefined {
  try {
    const kind = (JSON.parse(fs.readFileSync(path.join(dir, TENSOR_MANIFEST), 'utf8')) as { meta?: { kind?: unknown } }).meta?.kind;
    return typeof kind === 'string' ? kind.slice(0, 40) : undefined;
  } catch {
    return undefined;
  }
}

/** `--resume`: a checkpoint folder, a run folder (its newest checkpoint), or `best`. */
export function resolveResume(resume: string): ResolvedCheckpoint {
  return resolveCheckpoint(resume, { ofRun: 'newest' });
}

function newestRunBest(root: string): ResolvedCheckpoint {
  const runDir = listRunDirs(root)[0];
  if (!runDir)
    throw new DtnError('CHECKPOINT_MISSING', `best: no runs under ${root}`, {
      file: root,
      fix: 'Train a run first (dtn train), or pass a run or checkpoint folder',
    });
  const best = bestCheckpointOf(runDir);
  if (!best) {
    const recorded = readRunInfoFile(runDir)?.best;
    const why = recorded ? `its best checkpoint (${recorded.checkpoint}) is gone` : 'it has no evaluation yet';
    throw new DtnError('CHECKPOINT_MISSING', `best: the newest run ${runDir} has no best checkpoint (${why})`, {
      file: runDir,
      fix:
        'Runs record their best when evaluated during training (train a classifier first: dtn train-classifier); ' +
        'pass the run folder for its newest checkpoint',
    });
  }
  return { checkpoint: best.path, runDir };
}
