/**
 * Messages between the host and the translation result panel, validated on both sides. The webview
 * names an image by the output path it was shown; the host acts only on paths it showed itself.
 */
import { z } from 'zod';
import { ErrorCodeSchema } from './errors';

export const TranslatedItemSchema = z.object({
  /** The input's name (relative to the translated folder, or the file name). */
  name: z.string(),
  input: z.string(),
  /** The translation's path: the item's identity in messages back to the host. */
  output: z.string(),
  outputUri: z.string().min(1),
  /** The input as the model saw it (decoded, resized), when the server wrote it. */
  inputUri: z.string().min(1).optional(),
});
export type TranslatedItem = z.infer<typeof TranslatedItemSchema>;

export const TranslateFailureSchema = z.object({ name: z.string(), input: z.string(), code: ErrorCodeSchema, message: z.string() });
export type TranslateFailure = z.infer<typeof TranslateFailureSchema>;

export const UsedCheckpointSchema = z.object({
  runId: z.string(),
  /** The run's name, when it has one (label.json). */
  runName: z.string().optional(),
  runDir: z.string(),
  step: z.number().int().nonnegative(),
  path: z.string(),
  accuracy: z.number().min(0).max(1).optional(),
  /** A faces run: the input shown is the photo's detected, aligned face crop; accuracy is identity top-1. */
  faces: z.boolean().optional(),
  /** Why this checkpoint: chosen by the user, the run's best, or its newest. */
  reason: z.enum(['chosen', 'best', 'newest']),
});
export type UsedCheckpoint = z.infer<typeof UsedCheckpointSchema>;

export const TranslateInSchema = z.discriminatedUnion('type', [
  /** Replaces everything shown. */
  z.object({
    type: z.literal('show'),
    checkpoint: UsedCheckpointSchema,
    outDir: z.string(),
    items: z.array(TranslatedItemSchema),
    failures: z.array(TranslateFailureSchema),
    /** Set when the user cancelled a folder: how many of how many were done. */
    partial: z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).optional(),
  }),
  /** Work in progress (re-translating with another checkpoint); an empty text clears it. */
  z.object({ type: z.literal('busy'), text: z.string() }),
  /** The outcome of a button (saved where, or why not). */
  z.object({ type: z.literal('notice'), text: z.string(), level: z.enum(['info', 'error']) }),
]);
export type TranslateIn = z.infer<typeof TranslateInSchema>;

export const TranslateOutSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Copies the translation to `<input folder>/<name>.dtn.png`. */
  z.object({ type: z.literal('saveNext'), output: z.string() }),
  z.object({ type: z.literal('saveAs'), output: z.string() }),
  z.object({ type: z.literal('copyPath'), output: z.string() }),
  /** Picks another checkpoint and translates the same inputs again. */
  z.object({ type: z.literal('retranslate') }),
]);
export type TranslateOut = z.infer<typeof TranslateOutSchema>;
