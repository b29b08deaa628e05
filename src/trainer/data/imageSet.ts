import { DtnError } from '../../shared/errors';

/** The in-memory form every dataset loader returns. */
export interface ImageSet {
  /** NHWC, row-major, values in [-1, 1]. */
  images: Float32Array;
  /** Class per image (0-9 for digits) when the source has labels. */
  labels?: Int32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  /** Human-readable origin for logs and errors, e.g. a file path. */
  origin: string;
  /** Files of the source that were not used, each with why; the trainer reports them. */
  skipped?: SkippedFile[];
  /** Name -> label, where labels come from names (class sub-folders); a run records it. */
  labelMap?: Record<string, number>;
}

export interface SkippedFile {
  file: string;
  /** A short, countable reason: "unreadable image", "not an image file", "no face", … */
  reason: string;
  /** The specific error, when there is one. */
  detail?: string;
}

/** "3 of 120 files skipped: 2 unreadable image, 1 not an image file (a.jpg: …; notes.txt)". */
export function skippedSummary(set: ImageSet, total = set.count + (set.skipped?.length ?? 0)): string | undefined {
  const skipped = set.skipped ?? [];
  if (!skipped.length) return undefined;
  const counts = new Map<string, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  const byReason = [...counts].map(([r, n]) => `${n} ${r}`).join(', ');
  const named = skipped
    .slice(0, 10)
    .map((s) => (s.detail ? `${s.file} (${s.detail})` : s.file))
    .join('; ');
  const more = skipped.length > 10 ? `; and ${skipped.length - 10} more` : '';
  return `${set.origin}: ${skipped.length} of ${total} files skipped: ${byReason} (${named}${more})`;
}

/** A bad or missing input file: names it, says what was expected and how to fix it. */
export class DataError extends DtnError {
  declare readonly file: string;
  declare readonly fix: string;

  constructor(
    /** What is wrong, without the file and the fix. */
    readonly reason: string,
    file: string,
    fix: string,
  ) {
    super('DATA_INVALID', `${file}: ${reason}. ${fix}`, { file, fix });
    this.name = 'DataError';
  }
}
