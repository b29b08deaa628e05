/**
 * A run's name and notes (<run>/label.json): the user's words for a run, kept apart from run.json
 * (which the trainer owns and rewrites) so they can be edited while the run trains. The folder keeps
 * its id; a folder without label.json shows the id. Browser-safe: the webviews validate names too.
 */
import { z } from 'zod';

export const RUN_NAME_MAX = 100;
export const RUN_NOTES_MAX = 4000;

/** Control characters (a newline, a tab) would break the tree row and the panel headers. */
const CONTROL = /\p{Cc}/u;

export const RunNameSchema = z
  .string()
  .trim()
  .min(1, 'a run name cannot be empty')
  .max(RUN_NAME_MAX, `a run name has at most ${RUN_NAME_MAX} characters`)
  .refine((s) => !CONTROL.test(s), 'a run name cannot hold control characters (newlines, tabs)');

export const RunNotesSchema = z.string().max(RUN_NOTES_MAX, `run notes have at most ${RUN_NOTES_MAX} characters`);

/** Unknown keys are kept (z.looseObject): a newer version's fields survive an edit by this one. */
export const RunLabelSchema = z.looseObject({
  name: RunNameSchema,
  notes: RunNotesSchema.optional(),
});
export type RunLabel = z.infer<typeof RunLabelSchema>;

/** Why `name` is not a valid run name, or undefined when it is (for input boxes and CLI options). */
export function runNameProblem(name: string): string | undefined {
  const r = RunNameSchema.safeParse(name);
  return r.success ? undefined : r.error.issues[0]?.message;
}

export function runNotesProblem(notes: string): string | undefined {
  const r = RunNotesSchema.safeParse(notes);
  return r.success ? undefined : r.error.issues[0]?.message;
}

/**
 * Five base-36 characters derived from the run's id (FNV-1a): short enough to read, different for
 * runs of the same config started at different times.
 */
export function shortRunId(runId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) {
    h ^= runId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(7, '0').slice(-5);
}

/** The name a run gets when none is given: its config's name and a short id (`digits-quick-k3x9a`). */
export function defaultRunName(configName: string, runId: string): string {
  const base =
    configName
      .replace(/\p{Cc}/gu, ' ')
      .trim()
      .slice(0, RUN_NAME_MAX - 6) || 'run';
  return `${base}-${shortRunId(runId)}`;
}

/**
 * A label passed to a command as an argument by a script or another extension (`executeCommand(
 * 'dtn.startTraining', configUri, { name, notes })`), so it starts without asking. Anything else in
 * that place (a tree's selection array) is not a label.
 */
export function runLabelFromArg(arg: unknown): { name: string; notes?: string } | undefined {
  if (Array.isArray(arg)) return undefined;
  const r = RunLabelSchema.safeParse(arg);
  if (!r.success) return undefined;
  const notes = r.data.notes?.trim();
  return { name: r.data.name, ...(notes ? { notes } : {}) };
}
