/** Resolves `--preset` / `--config` into a validated config (presets merged under `extends`). */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, parseConfig, type DtnConfig } from '../../shared/config';
import { checkConfigText, configFileError } from '../../shared/configCheck';
import { PRESETS, PRESET_NAMES, isPresetName } from '../../shared/presets';

export interface ResolvedConfig {
  config: DtnConfig;
  /** Folder that relative data and encoder paths are resolved against. */
  baseDir: string;
  origin: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function presetConfig(name: string): ResolvedConfig {
  if (!isPresetName(name)) {
    throw new ConfigError(`unknown preset "${name}"; choose one of: ${PRESET_NAMES.join(', ')}`, undefined, [
      { path: 'preset', message: 'unknown' },
    ]);
  }
  return { config: parseConfig(PRESETS[name]), baseDir: process.cwd(), origin: `preset ${name}` };
}

export function readConfigFile(file: string, opts: { effective?: boolean } = {}): ResolvedConfig {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) {
    throw new ConfigError(
      `${abs}: config file not found. Pass an existing *.dtn.json file or use --preset ${PRESET_NAMES.join('|')}`,
      abs,
      [],
    );
  }
  // The same check the editor runs before a launch: problems placed at line and column.
  const text = fs.readFileSync(abs, 'utf8');
  const effective = opts.effective ? withoutExtends(text) : undefined;
  const check = checkConfigText(effective?.text ?? text);
  if (!check.ok) throw configFileError(abs, check);
  // Still named, as the run recorded it (and hashed it).
  if (effective?.preset !== undefined) check.config.extends = effective.preset as DtnConfig['extends'];
  return { config: check.config, baseDir: path.dirname(abs), origin: abs };
}

/**
 * A run's config.json is the effective config, every field written out; its `extends` only records
 * the preset it came from. Merging today's preset under it again would give an old run the fields a
 * preset gained since (e.g. digits-quick's train.emaDecay), so fields it lacks take their defaults.
 */
function withoutExtends(text: string): { text: string; preset?: unknown } | undefined {
  try {
    const raw: unknown = JSON.parse(text);
    if (!isObject(raw) || !('extends' in raw)) return undefined;
    const { extends: preset, ...rest } = raw;
    return { text: JSON.stringify(rest, null, 2), preset };
  } catch {
    // Not JSON: the check places the syntax error.
    return undefined;
  }
}

/**
 * Stable hash of the effective config (keys sorted), recorded in run.json and checkpoints.
 * train.steps is left out: training the same recipe for longer is the same run.
 */
export function configHash(config: DtnConfig): string {
  const cleaned = withoutLaterDefaults(config);
  const { steps: _steps, ...trainRest } = cleaned.train as DtnConfig['train'];
  const hashed = { ...cleaned, train: trainRest };
  const canonical = (v: unknown): unknown =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canonical(v[k])]),
        )
      : Array.isArray(v)
        ? v.map(canonical)
        : v;
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(canonical(hashed)))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Fields added after 0.1.0, where they hold their defaults, are left out of the hash, so a run
 * written before them still hashes the same and resumes without a "config differs" warning.
 */
function withoutLaterDefaults(config: DtnConfig): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(config);
  const arch = out.architecture as { kind?: string };
  if (arch.kind === 'digits') delete arch.kind;
  const specs = [out.source, out.target, (out.eval as { source?: unknown }).source, (out.encoder as { source?: unknown }).source] as (
    { kind?: string; badFiles?: string; handLettered?: boolean } | undefined
  )[];
  for (const spec of specs) {
    if (spec?.kind === 'image-folder' && spec.badFiles === 'skip') delete spec.badFiles;
    if (spec?.kind === 'synthetic-digits' && spec.handLettered === false) delete spec.handLettered;
  }
  const train = out.train as { emaDecay?: number; emaWarmup?: number };
  if (train.emaDecay === 0) delete train.emaDecay;
  if (train.emaWarmup === 10) delete train.emaWarmup;
  const encoder = out.encoder as { augment?: boolean; warp?: boolean };
  if (encoder.augment === false) delete encoder.augment;
  if (encoder.warp === false) delete encoder.warp;
  return out;
}
