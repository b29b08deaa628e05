/**
 * How many threads the CPU backends (wasm) compute on: `auto`, the machine's physical cores, or a
 * count. Given by `--threads` and the `dtn.threads` setting; parsed here for both.
 */
import { z } from 'zod';

export type ThreadsChoice = 'auto' | number;

/** More would only oversubscribe: the wasm backend itself runs at most 8. */
export const MAX_THREADS = 256;

export const ThreadsChoiceSchema = z.union([z.literal('auto'), z.number().int().min(1).max(MAX_THREADS)]);

/** `auto` or a whole number from 1 to MAX_THREADS; otherwise what is wrong, to show the user. */
export function parseThreadsChoice(text: string): { threads: ThreadsChoice } | { problem: string } {
  const t = text.trim().toLowerCase();
  if (t === 'auto') return { threads: 'auto' };
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS)
    return { problem: `threads must be auto (the physical cores) or a whole number from 1 to ${MAX_THREADS}, not "${text}"` };
  return { threads: n };
}
