/**
 * Messages between the extension host and the dashboard / samples webviews. Both sides validate
 * what they receive with these schemas: a webview is an untrusted boundary, and a run folder may
 * have been written by another machine.
 */
import { z } from 'zod';
import { MetricsRecordSchema } from './protocol';
import { SampleIndexSchema } from './sampleIndex';

const step = z.number().int().nonnegative();

/** run.json's statuses, `interrupted` (running, but no live trainer holds its lock) and `unknown`. */
export const RUN_STATUSES = ['running', 'completed', 'stopped', 'failed', 'interrupted', 'unknown'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What a panel shows about a run besides its metrics and samples. */
export const RunSummarySchema = z.object({
  runId: z.string(),
  runDir: z.string(),
  /** The run's name (label.json); absent for a run without one, shown by its id. */
  name: z.string().optional(),
  notes: z.string().optional(),
  status: z.enum(RUN_STATUSES),
  /** A trainer this window started is training it now (so the panel may offer Stop). */
  managed: z.boolean(),
  /** A live trainer on this machine that the panel may stop: this window's, or another process's (through its lock). */
  stoppable: z.boolean().optional(),
  totalSteps: step,
  lastStep: step,
  backend: z.string().optional(),
  device: z.string().optional(),
  error: z.string().optional(),
  /** The run's best evaluation (run.json's best), when it has one. */
  best: z.object({ step, accuracy: z.number().min(0).max(1) }).optional(),
  /** Checkpoints scored by DTN: Evaluate (`dtn eval` reports in <run>/eval), by step. */
  evaluations: z.array(z.object({ step, accuracy: z.number().min(0).max(1), fConstancy: z.number().nonnegative() })).optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const DashboardInSchema = z.discriminatedUnion('type', [
  /** Replaces everything the panel shows (first load, another run, a resumed run's rewritten history). */
  z.object({
    type: z.literal('init'),
    run: RunSummarySchema,
    records: z.array(MetricsRecordSchema),
    smoothing: z.number().min(0).max(0.999),
  }),
  /** New metrics records of the shown run, batched by the host. */
  z.object({ type: z.literal('records'), runId: z.string(), records: z.array(MetricsRecordSchema) }),
  z.object({ type: z.literal('run'), run: RunSummarySchema }),
  z.object({ type: z.literal('empty') }),
]);
export type DashboardIn = z.infer<typeof DashboardInSchema>;

export const DashboardOutSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('openSamples') }),
  z.object({ type: z.literal('openRun') }),
  z.object({ type: z.literal('stop') }),
  /** Compare the shown run with others. */
  z.object({ type: z.literal('compare') }),
]);
export type DashboardOut = z.infer<typeof DashboardOutSchema>;

/** One saved sample grid; `uri` is a webview URI the panel may load. */
export const SampleRefSchema = z.object({ step, uri: z.string().min(1) });
export type SampleRef = z.infer<typeof SampleRefSchema>;

export const SamplesInSchema = z.discriminatedUnion('type', [
  /**
   * `select`: show the grid of this step (or the nearest earlier one) instead of following the newest.
   * `index`: samples/index.json (what each tile is), absent for runs written before it; `indexProblem`
   * says why one could not be used.
   */
  z.object({
    type: z.literal('init'),
    run: RunSummarySchema,
    samples: z.array(SampleRefSchema),
    select: step.optional(),
    index: SampleIndexSchema.optional(),
    indexProblem: z.string().optional(),
  }),
  /** Samples written since the last message (rate-bounded by the host), and the index when it changed. */
  z.object({ type: z.literal('samples'), runId: z.string(), samples: z.array(SampleRefSchema), index: SampleIndexSchema.optional() }),
  z.object({ type: z.literal('run'), run: RunSummarySchema }),
  z.object({ type: z.literal('empty') }),
]);
export type SamplesIn = z.infer<typeof SamplesInSchema>;

export const SamplesOutSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('openDashboard') }),
  z.object({ type: z.literal('openRun') }),
]);
export type SamplesOut = z.infer<typeof SamplesOutSchema>;

const FlatValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One run of a comparison: its summary, whole metrics history and flattened config.json. */
export const CompareRunSchema = z.object({
  /** Short unique name in this comparison (the run folder's name, or parent/name where two clash). */
  label: z.string(),
  run: RunSummarySchema,
  records: z.array(MetricsRecordSchema),
  /** config.json flattened into dotted keys; absent when the run has none (or it is not JSON). */
  config: z.record(z.string(), FlatValueSchema).optional(),
  /** The run's sample grids, oldest first, and what their tiles are (samples/index.json). */
  samples: z.array(SampleRefSchema).optional(),
  sampleIndex: SampleIndexSchema.optional(),
});
export type CompareRun = z.infer<typeof CompareRunSchema>;

export const CompareInSchema = z.discriminatedUnion('type', [
  /** Replaces everything (first load, another set of runs, a resumed run's rewritten history). */
  z.object({
    type: z.literal('init'),
    title: z.string(),
    runs: z.array(CompareRunSchema),
    smoothing: z.number().min(0).max(0.999),
    /**
     * The folder the runs came from (an ablation written by `dtn ablate`, a sweep by `dtn sweep`, or
     * any folder of runs); `report`: its report exists, named `reportName` (ablation.md by default).
     */
    source: z.object({ dir: z.string(), ablation: z.boolean(), report: z.boolean(), reportName: z.string().max(64).optional() }).optional(),
  }),
  /** New metrics records of several runs, batched by the host (keyed by run folder). */
  z.object({ type: z.literal('records'), batches: z.array(z.object({ runDir: z.string(), records: z.array(MetricsRecordSchema) })) }),
  /** A run's status or step changed (run.json, or the trainer this window runs). */
  z.object({ type: z.literal('run'), run: RunSummarySchema }),
  /** A run's sample grids changed: all of them, and its index. */
  z.object({
    type: z.literal('samples'),
    runDir: z.string(),
    samples: z.array(SampleRefSchema),
    sampleIndex: SampleIndexSchema.optional(),
  }),
  z.object({ type: z.literal('empty') }),
]);
export type CompareIn = z.infer<typeof CompareInSchema>;

export const CompareOutSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Opens the dashboard of one of the compared runs (the host checks that it is one). */
  z.object({ type: z.literal('openDashboard'), runDir: z.string() }),
  /** Drops a run from the comparison. */
  z.object({ type: z.literal('remove'), runDir: z.string() }),
  /** Asks the user for runs to add (quick pick). */
  z.object({ type: z.literal('pickRuns') }),
  /** Opens the report of the shown folder of runs: an ablation's ablation.md, a sweep's summary.md. */
  z.object({ type: z.literal('openReport') }),
]);
export type CompareOut = z.infer<typeof CompareOutSchema>;

/** One run of the experiments table: what it is called, how far it got, how well it does, and its config. */
export const ExperimentRowSchema = z.object({
  runDir: z.string(),
  /** The folder's id (it never changes). */
  id: z.string(),
  /** The run's name (label.json), else its id. */
  name: z.string(),
  notes: z.string().optional(),
  status: z.enum(RUN_STATUSES),
  /** This window's trainer runs it. */
  managed: z.boolean(),
  lastStep: step,
  totalSteps: step,
  /** run.json's best evaluation. */
  best: z.object({ step, accuracy: z.number().min(0).max(1) }).optional(),
  /** The newest evaluation in metrics.jsonl: its accuracy, f-constancy and what the accuracy measures. */
  last: z
    .object({ step, accuracy: z.number().min(0).max(1), fConstancy: z.number().nonnegative(), metric: z.enum(['translation', 'identity']) })
    .optional(),
  backend: z.string().optional(),
  device: z.string().optional(),
  /** ISO time the run started (run.json's createdAt). */
  startedAt: z.string().optional(),
  /** Wall time from start to the last update (to now while it runs). */
  durationMs: z.number().nonnegative().optional(),
  config: z.record(z.string(), FlatValueSchema).optional(),
});
export type ExperimentRow = z.infer<typeof ExperimentRowSchema>;

export const ExperimentsInSchema = z.discriminatedUnion('type', [
  /** Every run, replacing what the table shows (its sort, filter and selection are the webview's). */
  z.object({ type: z.literal('rows'), rows: z.array(ExperimentRowSchema) }),
]);
export type ExperimentsIn = z.infer<typeof ExperimentsInSchema>;

/** Runs named by folder; the host acts only on folders of rows it sent. */
const runDirs = z.array(z.string()).min(1).max(1000);
export const ExperimentsOutSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('open'), runDir: z.string() }),
  z.object({ type: z.literal('compare'), runDirs }),
  /** The host confirms first (a modal dialog) and refuses live runs. */
  z.object({ type: z.literal('delete'), runDirs }),
  z.object({ type: z.literal('rename'), runDir: z.string() }),
  z.object({ type: z.literal('editNotes'), runDir: z.string() }),
]);
export type ExperimentsOut = z.infer<typeof ExperimentsOutSchema>;

/** Validates a posted message; undefined (never a throw) for anything that does not match. */
export function parseMessage<T>(schema: z.ZodType<T>, data: unknown): T | undefined {
  const r = schema.safeParse(data);
  return r.success ? r.data : undefined;
}
