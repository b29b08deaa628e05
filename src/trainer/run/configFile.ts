/** Resolves `--preset` / `--config` into a validated config (presets merged under `extends`). */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, parseConfig, type DtnConfig } from '../../shared/config';
import { messageOf } from '../../shared/errors';
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

/** Objects merge key by key; arrays and scalars from `over` replace. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

export function presetConfig(name: string): ResolvedConfig {
  if (!isPresetName(name)) {
    throw new ConfigError(`unknown preset "${name}"; choose one of: ${PRESET_NAMES.join(', ')}`, undefined, [
      { path: 'preset', message: 'unknown' },
    ]);
  }
  return { config: parseConfig(PRESETS[name]), baseDir: process.cwd(), origin: `preset ${name}` };
}

export function readConfigFile(file: string): ResolvedConfig {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) {
    throw new ConfigError(
      `${abs}: config file not found. Pass an existing *.dtn.json file or use --preset ${PRESET_NAMES.join('|')}`,
      abs,
      [],
    );
  }
  const text = fs.readFileSync(abs, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${abs}${jsonErrorPlace(text, err)}: not valid JSON (${messageOf(err)}). Fix the syntax and run again`, abs, []);
  }
  if (isObject(raw) && typeof raw.extends === 'string') {
    if (!isPresetName(raw.extends)) {
      throw new ConfigError(
        `${abs}: invalid DTN config\n  extends: unknown preset "${raw.extends}" (choose ${PRESET_NAMES.join(', ')})`,
        abs,
        [{ path: 'extends', message: 'unknown preset' }],
      );
    }
    raw = deepMerge(PRESETS[raw.extends], raw);
  }
  return { config: parseConfig(raw, abs), baseDir: path.dirname(abs), origin: abs };
}

/**
 * Stable hash of the effective config (keys sorted), recorded in run.json and checkpoints.
 * train.steps is left out: training the same recipe for longer is the same run.
 */
export function configHash(config: DtnConfig): string {
  const { steps: _steps, ...trainRest } = config.train;
  const hashed = { ...withoutLaterDefaults(config), train: trainRest };
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
  const specs = [out.source, out.target, (out.eval as { source?: unknown }).source] as ({ kind?: string; badFiles?: string } | undefined)[];
  for (const spec of specs) if (spec?.kind === 'image-folder' && spec.badFiles === 'skip') delete spec.badFiles;
  return out;
}

/** ":line:column" of a JSON.parse error, as editors print places, when V8 gave its offset. */
export function jsonErrorPlace(text: string, err: unknown): string {
  const at = /at position (\d+)/.exec(messageOf(err));
  if (!at) return '';
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  return `:${line}:${before.length - before.lastIndexOf('\n')}`;
}
