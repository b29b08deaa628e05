/** Names inside a run directory: the single source of truth that the CLI writes and panels read. */
import * as path from 'node:path';

export const RUN_FILES = {
  config: 'config.json',
  run: 'run.json',
  metrics: 'metrics.jsonl',
  samples: 'samples',
  checkpoints: 'checkpoints',
  /** `dtn eval` reports: step-XXXXXXXX.json and .md. */
  eval: 'eval',
  /** Held by the live trainer (see runLock.ts); absent when no process owns the run. */
  lock: 'lock.json',
  /** The run's name and notes (src/shared/runLabel.ts): the user's, editable while the run trains. */
  label: 'label.json',
} as const;

/** Written last into checkpoint, encoder and classifier folders: its presence marks them complete. */
export const TENSOR_MANIFEST = 'manifest.json';

export const DEFAULT_RUN_ROOT = path.join('.dtn', 'runs');
export const DEFAULT_ENCODER_ROOT = path.join('.dtn', 'encoders');
export const DEFAULT_CLASSIFIER_ROOT = path.join('.dtn', 'classifiers');
export const DEFAULT_ABLATION_ROOT = path.join('.dtn', 'ablations');
/** `dtn sweep` folders: sweep.json, summary.md/.csv and one run folder per variant and seed. */
export const DEFAULT_SWEEP_ROOT = path.join('.dtn', 'sweeps');
/** Derived data (face crops, rendered emoji), keyed by what it was made from: safe to delete. */
export const DEFAULT_CACHE_ROOT = path.join('.dtn', 'cache');

/** step-00001234: fixed width so names sort by step. */
export function stepName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

export function parseStepName(name: string): number | undefined {
  const m = /^step-(\d{8})(?:\.png)?$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** samples/index.json: what the grids' tiles are (src/shared/sampleIndex.ts). */
export const SAMPLE_INDEX_FILE = 'index.json';

export function sampleIndexPath(runDir: string): string {
  return path.join(runDir, RUN_FILES.samples, SAMPLE_INDEX_FILE);
}

export function samplePath(runDir: string, step: number): string {
  return path.join(runDir, RUN_FILES.samples, `${stepName(step)}.png`);
}

export function checkpointPath(runDir: string, step: number): string {
  return path.join(runDir, RUN_FILES.checkpoints, stepName(step));
}

export function evalReportPath(runDir: string, step: number, ext: 'json' | 'md' = 'json'): string {
  return path.join(runDir, RUN_FILES.eval, `${stepName(step)}.${ext}`);
}

/** checkpoints/step-XXXXXXXX: how run.json's `best` names a checkpoint (relative, so a moved run keeps it). */
export function checkpointRelPath(step: number): string {
  return path.join(RUN_FILES.checkpoints, stepName(step));
}
