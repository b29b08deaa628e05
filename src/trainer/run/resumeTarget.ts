/** What `--resume <dir>` (and `dtn eval --checkpoint <dir>`) point at. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listCheckpointDirs } from '../../shared/node/runFiles';
import { TENSOR_MANIFEST } from '../../shared/node/runLayout';
import { DtnError } from '../../shared/errors';

/** Resolves which checkpoint `--resume` means: a checkpoint folder, or a run folder (its newest). */
export function resolveResume(resume: string): { checkpoint: string; runDir: string } {
  const abs = path.resolve(resume);
  const ofRun = listCheckpointDirs(abs);
  if (ofRun.length > 0) return { checkpoint: ofRun[ofRun.length - 1].path, runDir: abs };
  if (fs.existsSync(path.join(abs, TENSOR_MANIFEST))) return { checkpoint: abs, runDir: path.resolve(abs, '..', '..') };
  throw new DtnError(
    'CHECKPOINT_MISSING',
    `${abs}: not a checkpoint folder and not a run folder with checkpoints. ` +
      'Pass .dtn/runs/<id>/checkpoints/step-XXXXXXXX or the run folder',
  );
}
