/**
 * The trained DTN behind a checkpoint, for the commands that use a model rather than train it
 * (translate, export): its run's config, the encoder f it was trained with, and g and D loaded.
 */
import * as fs from 'node:fs';
import type { BackendChoice, DtnConfig } from '../../shared/config';
import { DtnError } from '../../shared/errors';
import { RUN_FILES } from '../../shared/node/runLayout';
import { Dtn } from '../dtn/dtn';
import { initBackend } from '../engine/backend';
import type { Engine } from '../engine/engineContext';
import { loadConfigEncoder } from './configEncoder';
import type { EncoderMeta } from './encoderStore';
import type { ResolvedCheckpoint } from './resumeTarget';
import { RunFolder } from './runFolder';

export interface TrainedDtn {
  dtn: Dtn;
  config: DtnConfig;
  /** The folder the run's relative paths resolve against (its workspace, usually). */
  baseDir: string;
  /** The run folder the checkpoint belongs to. */
  folder: RunFolder;
  checkpoint: string;
  step: number;
  /** f's pretraining record; absent for a published encoder. */
  encoder?: EncoderMeta;
  engine: Engine;
}

/**
 * Loads `target` on the backend `backendFor(config)` picks. `use` completes the fix of a missing
 * encoder ("Translation needs …"). The caller disposes `dtn` and `dtn.f.params`.
 */
export async function loadTrainedDtn(
  target: ResolvedCheckpoint,
  opts: { backendFor: (config: DtnConfig) => BackendChoice; use: string },
): Promise<TrainedDtn> {
  const { checkpoint, runDir } = target;
  const folder = new RunFolder(runDir);
  if (!fs.existsSync(folder.configPath)) {
    throw new DtnError('RUN_INVALID', `${runDir}: no ${RUN_FILES.config}, so the architecture of ${checkpoint} is unknown`, {
      file: runDir,
      fix: 'Pass a checkpoint that lies in its run folder (<run>/checkpoints/step-XXXXXXXX), or the run folder',
    });
  }
  // Relative encoder paths resolve as they did for training: against the run's recorded baseDir.
  const { config, baseDir } = folder.readConfig();
  const engine = await initBackend(opts.backendFor(config));
  const fix = `${opts.use} needs the encoder f this run was trained with`;
  const { f, meta: encoder } = await loadConfigEncoder(config, baseDir, fix);
  const dtn = new Dtn(config, f);
  try {
    const { step } = await folder.loadCheckpoint(checkpoint, dtn);
    return { dtn, config, baseDir, folder, checkpoint, step, encoder, engine };
  } catch (e) {
    dtn.dispose();
    f.params.dispose();
    throw e;
  }
}
