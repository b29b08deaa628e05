/**
 * Error codes: what kind of failure stopped a trainer command. They travel in the protocol's
 * `error` message and in the CLI's `--json` output, so a host (the extension, a script) branches
 * on the code and never on message text, which is for people and may be reworded.
 */
import { z } from 'zod';

export const ERROR_CODES = {
  CONFIG_INVALID: 'a config file or preset is missing or fails validation',
  DATA_INVALID: 'a data source is missing, unreadable or unsuitable (no labels, too few images)',
  FACE_NOT_FOUND: 'a photo that must show a face shows none, or none large enough',
  ENCODER_MISSING: 'the encoder f has not been pretrained at the path the config names',
  ENCODER_INVALID: 'the encoder folder is not an encoder, or was trained for another architecture',
  CLASSIFIER_MISSING: 'the target-domain classifier that scores translations has not been trained',
  CHECKPOINT_MISSING: 'the path is neither a checkpoint nor a run folder with checkpoints',
  CHECKPOINT_CORRUPT: 'a checkpoint, encoder or classifier folder is incomplete or damaged',
  RUN_INVALID: 'a run folder or its run.json is damaged or not a run',
  RUN_BUSY: 'another live trainer holds the run folder (its lock.json names the process)',
  RUN_EXISTS: 'the run folder already holds a run: resume it, or start over with --force',
  LABEL_INVALID: 'a run name or notes are not valid (empty, too long, control characters)',
  BACKEND_UNAVAILABLE: 'the requested compute backend cannot start on this machine',
  DEVICE_FAILED: 'the GPU rejected work during training; results since then are invalid',
  TRAINING_DIVERGED: 'a loss became NaN or infinite',
  OUTPUT_INVALID: 'an output file cannot be written, or would replace an input file',
  DOWNLOAD_FAILED: 'a file fetched on first use (the face models) could not be downloaded or failed its checksum',
  REQUEST_INVALID: 'a `dtn serve` request is not valid JSON or not a known request',
  INTERNAL: 'anything else: a bug or an unexpected failure',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** A code from another trainer version that this one does not know reads as INTERNAL. */
export const ErrorCodeSchema = z.enum(ERROR_CODE_NAMES).catch('INTERNAL');

export interface DtnErrorDetails {
  /** The file or folder at fault, when there is one. */
  file?: string;
  /** What the user can do about it. */
  fix?: string;
  /** The lower-level error this one explains. */
  cause?: unknown;
}

/** An expected failure: a code for programs, a message (and fix) for people. */
export class DtnError extends Error {
  readonly file?: string;
  readonly fix?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    details: DtnErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DtnError';
    this.file = details.file;
    this.fix = details.fix;
  }
}

/** A thrown value's message: an Error's own, a string as it is, anything else as JSON. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return JSON.stringify(err) ?? String(err as undefined);
}

export function errorCodeOf(err: unknown): ErrorCode {
  return err instanceof DtnError ? err.code : 'INTERNAL';
}
