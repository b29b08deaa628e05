/**
 * Comparing run configurations: each config.json flattened into dotted keys (`losses.tid`,
 * `train.learningRate`) and the keys whose values differ between runs. Pure: used by the host (which
 * flattens what it reads from disk) and the comparison webview (which diffs and formats).
 */

/** A leaf of a flattened config. Arrays of plain values stay one value (`[16,32,64]`). */
export type FlatValue = string | number | boolean | null;
export type FlatConfig = Record<string, FlatValue>;

/** Keys that say nothing about the experiment. */
const IGNORED_KEYS = new Set(['$schema']);

function isPlain(v: unknown): v is FlatValue {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * `{losses: {tid: false}, architecture: {encoderWidths: [16, 32, 64]}}` ->
 * `{'losses.tid': false, 'architecture.encoderWidths': '[16,32,64]'}`. Arrays of objects are indexed
 * (`list.0.key`); key order follows the config's own order.
 */
export function flattenConfig(value: unknown, prefix = '', out: FlatConfig = {}): FlatConfig {
  if (isPlain(value)) {
    if (prefix) out[prefix] = value;
    return out;
  }
  if (Array.isArray(value)) {
    if (value.every(isPlain)) out[prefix] = JSON.stringify(value);
    else value.forEach((v, i) => flattenConfig(v, prefix ? `${prefix}.${i}` : String(i), out));
    return out;
  }
  if (typeof value === 'object' && value !== undefined) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out[prefix] = '{}';
    for (const [k, v] of entries) {
      if (!prefix && IGNORED_KEYS.has(k)) continue;
      if (v === undefined) continue;
      flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
    }
  }
  return out;
}

export interface ConfigDiffRow {
  key: string;
  /** One per run, in the runs' order; undefined where that run's config lacks the key (or has no config). */
  values: (FlatValue | undefined)[];
  /** Every run has the same value. */
  same: boolean;
}

/**
 * The rows of a config comparison: keys in first-seen order (the schema's order: name, seed, ...,
 * losses, train, eval), only those whose values differ unless `includeSame`. Runs whose config could
 * not be read (undefined) take no part in deciding what differs.
 */
export function diffConfigs(configs: readonly (FlatConfig | undefined)[], opts: { includeSame?: boolean } = {}): ConfigDiffRow[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const c of configs) {
    for (const k of Object.keys(c ?? {})) {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  }
  const known = configs.filter((c): c is FlatConfig => c !== undefined);
  const rows: ConfigDiffRow[] = [];
  for (const key of keys) {
    const values = configs.map((c) => (c && Object.hasOwn(c, key) ? c[key] : undefined));
    const first = known[0] && Object.hasOwn(known[0], key) ? known[0][key] : undefined;
    const same = known.every((c) => (Object.hasOwn(c, key) ? c[key] : undefined) === first);
    if (same && !opts.includeSame) continue;
    rows.push({ key, values, same });
  }
  return rows;
}

export function formatFlatValue(v: FlatValue | undefined): string {
  if (v === undefined) return '—';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6) ? String(v) : v.toExponential();
  return String(v);
}
