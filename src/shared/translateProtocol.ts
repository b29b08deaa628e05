/**
 * Messages of `dtn translate --json` (one per stdout line) and of the warm translator `dtn serve`
 * (NDJSON both ways: requests host -> trainer on stdin, responses trainer -> host on stdout, each
 * answering one request by its id). Validated on both sides.
 */
import { z } from 'zod';
import { ErrorCodeSchema } from './errors';
import { ErrorMessageSchema } from './protocol';

/** One input file's outcome. */
export const TranslateResultSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('translated'),
    input: z.string(),
    output: z.string(),
    /** The nearest-neighbour enlargement (--scale N), when asked for. */
    scaled: z.string().optional(),
    /** The input as G saw it (decoded, resized, source channels), when the request asked for it. */
    modelInput: z.string().optional(),
  }),
  z.object({ type: z.literal('translate-failed'), input: z.string(), code: ErrorCodeSchema, message: z.string() }),
]);
export type TranslateResult = z.infer<typeof TranslateResultSchema>;

export const TranslateSummarySchema = z.object({
  type: z.literal('translate-summary'),
  translated: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Why each failed file failed, in input order. */
  failures: z.array(z.object({ input: z.string(), code: ErrorCodeSchema, message: z.string() })),
  seconds: z.number().nonnegative(),
});
export type TranslateSummary = z.infer<typeof TranslateSummarySchema>;

/** What `dtn translate --json` prints: results as they are written, then the summary (or an error). */
export const TranslateLineSchema = z.union([TranslateResultSchema, TranslateSummarySchema, ErrorMessageSchema]);
export type TranslateLine = z.infer<typeof TranslateLineSchema>;

const RequestId = z.union([z.string().min(1), z.number().int()]);
export type RequestId = z.infer<typeof RequestId>;

/** Host -> `dtn serve`. */
export const ServeRequestSchema = z.discriminatedUnion('type', [
  z.object({
    id: RequestId,
    type: z.literal('translate'),
    /** Image files and folders (folders: every image under them, sub-folders mirrored in `out`). */
    inputs: z.array(z.string().min(1)).min(1),
    /** A folder, or a .png file when there is one input file. */
    out: z.string().min(1),
    scale: z.number().int().min(2).max(64).optional(),
    /** Also write each input as the model sees it: `<name>.dtn.input.png` beside the output. */
    modelInput: z.boolean().optional(),
  }),
  z.object({ id: RequestId, type: z.literal('ping') }),
  z.object({ id: RequestId, type: z.literal('shutdown') }),
]);
export type ServeRequest = z.infer<typeof ServeRequestSchema>;

/** `dtn serve` -> host. `ready` (no id) once the checkpoint is loaded; every other line answers a request. */
export const ServeResponseSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    checkpoint: z.string(),
    step: z.number().int().nonnegative(),
    backend: z.string(),
    device: z.string(),
  }),
  z.object({ id: RequestId, type: z.literal('pong') }),
  z.object({ id: RequestId, type: z.literal('translate-done'), results: z.array(TranslateResultSchema), summary: TranslateSummarySchema }),
  /** A request that could not be served; the id is null when the line was not even JSON with an id. */
  z.object({ id: RequestId.nullable(), type: z.literal('request-error'), code: ErrorCodeSchema, message: z.string() }),
  z.object({ id: RequestId, type: z.literal('bye') }),
  /** Start-up failed (no checkpoint, no encoder): the server exits after this line. */
  ErrorMessageSchema,
]);
export type ServeResponse = z.infer<typeof ServeResponseSchema>;

function parseWith<T>(schema: z.ZodType<T>, line: string): T | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = schema.safeParse(raw);
  return r.success ? r.data : undefined;
}

export const parseTranslateLine = (line: string) => parseWith(TranslateLineSchema, line);
export const parseServeResponse = (line: string) => parseWith(ServeResponseSchema, line);

/** A request line, or why it is not one (with its id when the line had a usable one). */
export function parseServeRequest(line: string): { request: ServeRequest } | { id: RequestId | null; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    return { id: null, message: `not JSON (${(e as Error).message})` };
  }
  const r = ServeRequestSchema.safeParse(raw);
  if (r.success) return { request: r.data };
  const id = RequestId.safeParse((raw as { id?: unknown } | null)?.id);
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ');
  return { id: id.success ? id.data : null, message: `invalid request: ${issues}` };
}
