/**
 * A sweep folder's `sweep.json` (`dtn sweep`, .dtn/sweeps/<id>/): what was swept (the base
 * config's source, the variants' overrides, the seeds) and the state of each run. Written by the
 * sweep only; read back on `--resume` and by the extension, validated both times.
 */
import { z } from 'zod';
import { BACKENDS, DtnConfigSchema, SAFE_NAME } from './config';
import { ErrorCodeSchema } from './errors';
import { PRESET_NAMES, type PresetName } from './presets';

export const SWEEP_KIND = 'dtn-sweep';

/** Files of a sweep folder beside its run folders. */
export const SWEEP_FILES = { spec: 'sweep.json', markdown: 'summary.md', csv: 'summary.csv' } as const;

export const RUN_STATES = ['pending', 'running', 'completed', 'stopped', 'failed'] as const;
export type SweepRunState = (typeof RUN_STATES)[number];

const OverrideSchema = z.object({
  key: z.string().min(1).max(200),
  /** Any JSON value: the config schema judges it when the variant's config is built. */
  value: z.json(),
});

export const SweepVariantSchema = z.object({
  /** Readable and unique within the sweep, e.g. `emaDecay=0.99` (`base` when nothing is overridden). */
  id: z.string().min(1).max(300),
  overrides: z.array(OverrideSchema).max(64),
});
export type SweepVariant = z.infer<typeof SweepVariantSchema>;

export const SweepRunSchema = z.object({
  /** The run folder's name inside the sweep folder: a safe name, never a path. */
  name: z.string().regex(SAFE_NAME),
  /** Index into `variants`. */
  variant: z.number().int().nonnegative(),
  seed: z.number().int().nonnegative(),
  state: z.enum(RUN_STATES),
  /** The last step reported, and the run's total. */
  step: z.number().int().nonnegative().optional(),
  totalSteps: z.number().int().positive().optional(),
  error: z.object({ code: ErrorCodeSchema, message: z.string().max(4000) }).optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
});
export type SweepRun = z.infer<typeof SweepRunSchema>;

export const SweepFileSchema = z
  .object({
    kind: z.literal(SWEEP_KIND),
    version: z.literal(1),
    id: z.string().regex(SAFE_NAME),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** Where the base config came from: a preset, or a config file (absolute path). */
    base: z.union([z.object({ preset: z.enum(PRESET_NAMES as [PresetName, ...PresetName[]]) }), z.object({ config: z.string().min(1) })]),
    /** The base config as resolved when the sweep started: a resume refuses a base that changed since. */
    baseConfig: DtnConfigSchema,
    backend: z.enum(BACKENDS).optional(),
    seeds: z.array(z.number().int().nonnegative()).min(1).max(1000),
    variants: z.array(SweepVariantSchema).min(1).max(1000),
    runs: z.array(SweepRunSchema).min(1).max(10000),
  })
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    for (const [i, r] of s.runs.entries()) {
      if (r.variant >= s.variants.length) ctx.addIssue({ code: 'custom', path: ['runs', i, 'variant'], message: 'no such variant' });
      if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['runs', i, 'name'], message: `run name ${r.name} is used twice` });
      names.add(r.name);
    }
  });
export type SweepFile = z.infer<typeof SweepFileSchema>;

/** Runs by state, for summaries and the tree. */
export function countStates(runs: readonly SweepRun[]): Record<SweepRunState, number> {
  const out = Object.fromEntries(RUN_STATES.map((s) => [s, 0])) as Record<SweepRunState, number>;
  for (const r of runs) out[r.state]++;
  return out;
}
