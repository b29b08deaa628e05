/**
 * Messages between the trainer process and its host (the `dtn --json` CLI writes one per stdout
 * line; the extension reads them and forwards a subset to webviews). Validated on arrival.
 */
import { z } from 'zod';
import { ErrorCodeSchema } from './errors';

export const LOSS_KEYS = ['D', 'GANG', 'CONST', 'TID', 'TV', 'G'] as const;
export type LossKey = (typeof LOSS_KEYS)[number];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/** A loss that is switched off is recorded as null so charts can leave a gap. */
export const LossesSchema = z.object({
  D: finite.nullable(),
  GANG: finite.nullable(),
  CONST: finite.nullable(),
  TID: finite.nullable(),
  TV: finite.nullable(),
  G: finite.nullable(),
});
export type Losses = z.infer<typeof LossesSchema>;

/** The paper's quality metrics on held-out source images (see src/trainer/eval). */
export const EvalSummarySchema = z.object({
  /**
   * What `accuracy` measures: 'translation' (absent in older files), the share of G(x) that the
   * target-domain classifier labels as x's source label; 'identity' (faces), the share of G(x)
   * whose own person f ranks first among the source faces.
   */
  metric: z.enum(['translation', 'identity']).optional(),
  accuracy: z.number().min(0).max(1),
  /** Identity only: the median rank of the right person (1 = always found first). */
  medianRank: z.number().min(1).optional(),
  /** Mean d(f(x), f(G(x))). */
  fConstancy: z.number().nonnegative(),
  /**
   * Translation only: held-out images counted by source label (row) and the classifier's reading of
   * G(x) (column). A class permutation shows as mass off the diagonal.
   */
  confusion: z.array(z.array(z.number().int().nonnegative()).max(100)).max(100).optional(),
  count: z.number().int().positive(),
});
export type EvalSummary = z.infer<typeof EvalSummarySchema>;

/** One line of metrics.jsonl, and the payload of a `metrics` message. */
export const MetricsRecordSchema = z.object({
  step: z.number().int().nonnegative(),
  loss: LossesSchema,
  msPerStep: z.number().nonnegative(),
  imgPerSec: z.number().nonnegative(),
  time: z.string(),
  /** Present on steps where the run was evaluated. */
  eval: EvalSummarySchema.optional(),
});
export type MetricsRecord = z.infer<typeof MetricsRecordSchema>;

/** A command failed; also the last line of any `dtn … --json` command that fails. */
export const ErrorMessageSchema = z.object({
  type: z.literal('error'),
  /** What kind of failure (ERROR_CODES): hosts branch on this, never on the message. */
  code: ErrorCodeSchema,
  message: z.string(),
  file: z.string().optional(),
  fix: z.string().optional(),
});

export const TrainerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('started'),
    runId: z.string(),
    runDir: z.string(),
    backend: z.string(),
    backendReason: z.string(),
    device: z.string(),
    configHash: z.string(),
    startStep: z.number().int().nonnegative(),
    totalSteps: z.number().int().positive(),
  }),
  z.object({ type: z.literal('status'), phase: z.string(), message: z.string() }),
  z.object({ type: z.literal('metrics'), record: MetricsRecordSchema, totalSteps: z.number().int().positive() }),
  z.object({ type: z.literal('sample'), step: z.number().int().nonnegative(), path: z.string() }),
  z.object({ type: z.literal('checkpoint'), step: z.number().int().nonnegative(), path: z.string() }),
  z.object({ type: z.literal('warning'), message: z.string() }),
  ErrorMessageSchema,
  z.object({
    type: z.literal('done'),
    reason: z.enum(['completed', 'stopped']),
    step: z.number().int().nonnegative(),
    runDir: z.string(),
    checkpoint: z.string().optional(),
  }),
]);
export type TrainerMessage = z.infer<typeof TrainerMessageSchema>;
export type TrainerMessageOf<T extends TrainerMessage['type']> = Extract<TrainerMessage, { type: T }>;

/** Host -> trainer, one JSON object per stdin line. `stop` writes a checkpoint, then exits. */
export const HostCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
]);
export type HostCommand = z.infer<typeof HostCommandSchema>;

/** Parses one NDJSON line; returns undefined for anything that is not a valid message. */
export function parseTrainerLine(line: string): TrainerMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = TrainerMessageSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}

export function parseHostLine(line: string): HostCommand | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = HostCommandSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}
