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
