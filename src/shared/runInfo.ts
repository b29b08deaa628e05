/**
 * run.json: what a run is (id, seed, backend, versions, progress, status). One schema for both
 * readers: the trainer reads it strictly (it resumes from it), the extension host leniently
 * (it only shows it, and must still open files of older or newer trainers). Browser-safe.
 */
import { z } from 'zod';

export const RunStatusSchema = z.enum(['running', 'completed', 'stopped', 'failed']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/**
 * What a reader shows: run.json's status, except that a run whose run.json says `running` while no
 * live process holds its lock (lock.json) is `interrupted`: its trainer was killed or its machine
 * went down. Never written to run.json: resuming the run continues it.
 */
export type EffectiveRunStatus = RunStatus | 'interrupted';

/**
 * The run's best evaluation so far and the checkpoint that scored it (kept from pruning).
 * `checkpoint` is relative to the run folder (checkpoints/step-XXXXXXXX), so a copied run still finds it.
 */
export const BestCheckpointSchema = z.object({
  step: z.number().int().nonnegative(),
  /** Translation accuracy of that evaluation, 0..1. */
  accuracy: z.number().min(0).max(1),
  checkpoint: z.string(),
});
export type BestCheckpoint = z.infer<typeof BestCheckpointSchema>;

export const RunInfoSchema = z.object({
  runId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: RunStatusSchema,
  seed: z.number().int(),
  configHash: z.string(),
  backend: z.string(),
  backendReason: z.string(),
  device: z.string(),
  versions: z.record(z.string(), z.string()),
  totalSteps: z.number().int().nonnegative(),
  lastStep: z.number().int().nonnegative(),
  /** Checkpoints this run was resumed from, oldest first. */
  resumedFrom: z.array(z.string()),
  /** Folder the config's relative paths (data, encoder) resolve against. */
  baseDir: z.string(),
  error: z.string().optional(),
  /** Absent until an evaluation has run (and in run folders of 0.1.0). */
  best: BestCheckpointSchema.optional(),
  /** Class name -> label of each domain whose labels came from folder names. */
  labelMaps: z.partialRecord(z.enum(['source', 'target']), z.record(z.string(), z.number().int())).optional(),
});
export type RunInfo = z.infer<typeof RunInfoSchema>;

/**
 * Every field optional: a file missing some (older trainer) still shows what it has; a malformed
 * `best` reads as none rather than making the whole file unreadable.
 */
export const RunInfoFileSchema = RunInfoSchema.partial().extend({ best: BestCheckpointSchema.optional().catch(undefined) });
export type RunInfoFile = z.infer<typeof RunInfoFileSchema>;
