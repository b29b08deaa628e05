/**
 * What a sweep runs: the variants (the cartesian product of the `--set key=v1,v2` value lists), each
 * on every seed, with a readable id per variant and a safe folder name per run. Every run's config
 * is built and validated here, before anything is launched.
 */
import { ConfigError, SAFE_NAME, type DtnConfig } from '../../shared/config';
import type { SweepRun, SweepVariant } from '../../shared/sweep';
import {
  applyOverrides,
  formatOverride,
  parseOverrideKey,
  parseOverrideValue,
  splitOverride,
  type ConfigOverride,
} from '../run/configOverrides';

/** One `--set key=v1,v2,…` of a sweep: a field and the values it takes. */
export interface SweepSet {
  key: string;
  values: unknown[];
}

function sweepError(message: string, path: string): ConfigError {
  return new ConfigError(message, undefined, [{ path, message }]);
}

/**
 * Splits a value list on its top-level commas: `0,0.99` is two values, `[16,32,64]` one, and
 * `[8,8,8],[16,16,16]` two (commas inside brackets, braces and JSON strings do not split).
 */
export function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((v) => v.trim());
}

/** `key=v1,v2`: the key checked, each value read as `--set` reads one (JSON when it parses). */
export function parseSweepSet(text: string): SweepSet {
  const { key, value } = splitOverride(text);
  parseOverrideKey(key, text);
  const parts = splitValues(value);
  if (parts.some((p) => p === '')) throw sweepError(`--set ${text}: an empty value in the list (values are separated by commas)`, key);
  const values = parts.map(parseOverrideValue);
  const seen = new Set<string>();
  for (const v of values) {
    const k = JSON.stringify(v);
    if (seen.has(k)) throw sweepError(`--set ${text}: the value ${k} is listed twice`, key);
    seen.add(k);
  }
  return { key, values };
}

/** `--seeds 1,2,3`: distinct non-negative integers. */
export function parseSeeds(text: string): number[] {
  const seeds = text.split(',').map((s) => s.trim());
  const bad = seeds.find((s) => !/^\d+$/.test(s) || !Number.isSafeInteger(Number(s)));
  if (bad !== undefined) throw sweepError(`--seeds ${text}: "${bad}" is not a non-negative integer (e.g. --seeds 1,2,3)`, 'seed');
  const nums = seeds.map(Number);
  if (new Set(nums).size !== nums.length) throw sweepError(`--seeds ${text}: a seed is listed twice`, 'seed');
  return nums;
}

/** A key as the id shows it: its last segment, or the whole path where two keys share that. */
function shortKeys(keys: string[]): Map<string, string> {
  const last = (k: string) => k.split('.').at(-1)!;
  return new Map(keys.map((k) => [k, keys.filter((o) => last(o) === last(k)).length > 1 ? k : last(k)]));
}

function idValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Every combination of the sets' values, in order (the last set varies fastest). The ids name the
 * keys that vary (a single-value --set applies to every variant, so it tells none apart).
 */
export function variantProduct(sets: readonly SweepSet[]): SweepVariant[] {
  const keys = sets.map((s) => s.key);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw sweepError(`--set ${dup} is given twice: list all its values in one --set ${dup}=v1,v2`, dup);
  const varying = sets.filter((s) => s.values.length > 1).map((s) => s.key);
  const named = new Set(varying.length ? varying : keys);
  const short = shortKeys([...named]);
  let combos: ConfigOverride[][] = [[]];
  for (const s of sets) combos = combos.flatMap((c) => s.values.map((value) => [...c, { key: s.key, value }]));
  const id = (overrides: ConfigOverride[]) =>
    overrides
      .filter((o) => named.has(o.key))
      .map((o) => `${short.get(o.key)}=${idValue(o.value)}`)
      .join(' ');
  return combos.map((overrides) => ({
    id: overrides.length ? id(overrides) : 'base',
    overrides: overrides.map((o) => ({ key: o.key, value: o.value as SweepVariant['overrides'][number]['value'] })),
  }));
}

/** A run folder's name: safe for any file system, unique by the variant's number, readable by its id. */
export function runName(variantIndex: number, variant: SweepVariant, seed: number): string {
  const readable = variant.id
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[._-]+|[._-]+$/g, '');
  const head = `v${variantIndex + 1}`;
  const tail = `seed${seed}`;
  const room = 64 - head.length - tail.length - 2;
  const name = readable ? `${head}-${readable.slice(0, room).replace(/[._-]+$/, '')}-${tail}` : `${head}-${tail}`;
  if (!SAFE_NAME.test(name)) throw new Error(`internal: run name ${name} is not a safe name`);
  return name;
}

/** The config one run trains: the base, the variant's overrides, the seed. Validated. */
export function runConfig(base: DtnConfig, variant: SweepVariant, seed: number, origin?: string): DtnConfig {
  const config = applyOverrides(base, variant.overrides, origin);
  return { ...config, seed };
}

export interface SweepPlan {
  variants: SweepVariant[];
  runs: SweepRun[];
}

/** Variants × seeds, every config validated first: one bad value stops the sweep before any run starts. */
export function planSweep(base: DtnConfig, sets: readonly SweepSet[], seeds: readonly number[], origin?: string): SweepPlan {
  const seedSet = sets.find((s) => s.key === 'seed');
  if (seedSet) throw sweepError('--set seed=… : a sweep takes its seeds from --seeds (e.g. --seeds 1,2,3)', 'seed');
  const variants = variantProduct(sets);
  const runs: SweepRun[] = [];
  for (const [i, variant] of variants.entries()) {
    for (const seed of seeds) {
      runConfig(base, variant, seed, origin);
      runs.push({ name: runName(i, variant, seed), variant: i, seed, state: 'pending' });
    }
  }
  return { variants, runs };
}

/** The `--set` arguments that give a child `dtn train` this variant's config (values as JSON). */
export function overrideArgs(variant: SweepVariant): string[] {
  return variant.overrides.flatMap((o) => ['--set', formatOverride(o)]);
}
