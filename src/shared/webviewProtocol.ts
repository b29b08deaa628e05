/**
 * Messages between the extension host and the dashboard / samples webviews. Both sides validate
 * what they receive with these schemas: a webview is an untrusted boundary, and a run folder may
 * have been written by another machine.
 */
import { z } from 'zod';
import { MetricsRecordSchema } from './protocol';

const step = z.number().int().nonnegative();

export const RUN_STATUSES = ['running', 'completed', 'stopped', 'failed', 'unknown'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What a panel shows about a run besides its metrics and samples. */
export const RunSummarySchema = z.object({
  runId: z.string(),
  runDir: z.string(),
  status: z.enum(RUN_STATUSES),
  /** A trainer this window started is training it now (so the panel may offer Stop). */
  managed: z.boolean(),
  totalSteps: step,
  lastStep: step,
  backend: z.string().optional(),
  device: z.string().optional(),
  error: z.string().optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const DashboardInSchema = z.discriminatedUnion('type', [
  /** Replaces everything the panel shows (first load, another run, a resumed run's rewritten history). */
  z.object({ type: z.literal('init'), run: RunSummarySchema, records: z.array(MetricsRecordSchema), smoothing: z.number().min(0).max(0.999) }),
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
]);
export type DashboardOut = z.infer<typeof DashboardOutSchema>;

/** One saved sample grid; `uri` is a webview URI the panel may load. */
export const SampleRefSchema = z.object({ step, uri: z.string().min(1) });
export type SampleRef = z.infer<typeof SampleRefSchema>;

export const SamplesInSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), run: RunSummarySchema, samples: z.array(SampleRefSchema) }),
  /** Samples written since the last message (rate-bounded by the host). */
  z.object({ type: z.literal('samples'), runId: z.string(), samples: z.array(SampleRefSchema) }),
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

/** Validates a posted message; undefined (never a throw) for anything that does not match. */
export function parseMessage<T>(schema: z.ZodType<T>, data: unknown): T | undefined {
  const r = schema.safeParse(data);
  return r.success ? r.data : undefined;
}
