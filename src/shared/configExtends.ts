/** `extends`: a config file over a built-in preset, merged the one way the trainer and the editor both use. */
import { PRESETS, isPresetName } from './presets';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Objects merge key by key; arrays and scalars from `over` replace. An object of another `kind` (a
 * data spec: image-folder over the preset's synthetic-digits) replaces too: the fields of one kind
 * mean nothing to another.
 */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  if (typeof over.kind === 'string' && typeof base.kind === 'string' && over.kind !== base.kind) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/**
 * The config as validated: the file merged over the preset it extends. An `extends` naming no
 * preset is returned as `unknownPreset` (a string) so the caller can place it; a non-string is
 * left for the schema to reject.
 */
export function withExtends(raw: unknown): { merged: unknown; unknownPreset?: string } {
  if (!isObject(raw) || typeof raw.extends !== 'string') return { merged: raw };
  if (!isPresetName(raw.extends)) return { merged: raw, unknownPreset: raw.extends };
  return { merged: deepMerge(PRESETS[raw.extends], raw) };
}
