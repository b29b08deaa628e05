/**
 * The name of a registered encoder: one folder name under .dtn/encoders, never a path. Its own
 * module so that config.ts and encoders.ts both use it without importing each other.
 */
import { z } from 'zod';

/** A letter or digit first (no hidden folders, no `..`), then up to 63 of letters, digits, `.`, `_`, `-`. */
export const ENCODER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const EncoderNameSchema = z
  .string()
  .regex(ENCODER_NAME_PATTERN, 'an encoder name: letters, digits, ".", "_" or "-" (at most 64, a letter or digit first), never a path');

export function isEncoderName(name: string): boolean {
  return ENCODER_NAME_PATTERN.test(name);
}
