/**
 * `--set <dotted.path>=<value>`: one field of the resolved config (after `extends` and the file)
 * replaced, and the result validated again with the config schema. A value is JSON when it parses
 * as JSON (numbers, booleans, arrays, quoted strings), else the text itself.
 */
import { ConfigError, parseConfig, type DtnConfig } from '../../shared/config';

export interface ConfigOverride {
  /** The dotted path as written, e.g. `train.emaDecay`. */
  key: string;
  value: unknown;
}

/** Keys a config names fields by: letters, digits, `_` (array elements by index). */
const KEY_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$|^\d+$/;
/** Never a config field; written through, they would reach Object.prototype. */
const OBJECT_INTERNALS = new Set(['__proto__', 'constructor', 'prototype']);
/** Fields that say where the config came from, not what it is: an override cannot change them. */
const NOT_OVERRIDABLE = new Set(['extends', '$schema']);

function setError(text: string, problem: string): ConfigError {
  return new ConfigError(`--set ${text}: ${problem}`, undefined, [{ path: text.split('=')[0] || '(root)', message: problem }]);
}

/** The key of `key=...`, checked: dotted segments of letters, digits and `_`. */
export function parseOverrideKey(key: string, text = key): string[] {
  const segments = key.split('.');
  if (!key || segments.some((s) => !KEY_SEGMENT.test(s) || OBJECT_INTERNALS.has(s))) {
    throw setError(text, `"${key}" is not a dotted field path (e.g. train.emaDecay or architecture.encoderWidths)`);
  }
  if (NOT_OVERRIDABLE.has(segments[0])) throw setError(text, `${segments[0]} cannot be overridden; pass --preset or --config instead`);
  return segments;
}

/** A value as `--set` reads it: JSON when it parses, else the text as a string. */
export function parseOverrideValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Splits `key=value` at its first `=`. */
export function splitOverride(text: string): { key: string; value: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw setError(text, 'expected <dotted.path>=<value>, e.g. --set train.emaDecay=0.99');
  return { key: text.slice(0, eq), value: text.slice(eq + 1) };
}

export function parseOverride(text: string): ConfigOverride {
  const { key, value } = splitOverride(text);
  parseOverrideKey(key, text);
  return { key, value: parseOverrideValue(value) };
}

/** `key=value` as it would be typed again (values as JSON, so a string stays a string). */
export function formatOverride(o: ConfigOverride): string {
  return `${o.key}=${JSON.stringify(o.value)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Writes `value` at `segments` in `target`, creating objects on the way (the schema judges them after). */
function setAt(target: Record<string, unknown>, segments: string[], value: unknown, text: string): void {
  let node: unknown = target;
  for (const [i, seg] of segments.entries()) {
    const last = i === segments.length - 1;
    if (Array.isArray(node)) {
      const index = Number(seg);
      if (!/^\d+$/.test(seg) || index >= node.length) {
        throw setError(text, `${segments.slice(0, i).join('.')} is an array of ${node.length}: ${seg} is not an index of it`);
      }
      if (last) node[index] = value;
      else node = node[index];
    } else if (isObject(node)) {
      if (last) node[seg] = value;
      else {
        node[seg] ??= {};
        node = node[seg];
      }
    } else {
      throw setError(text, `${segments.slice(0, i).join('.')} is ${JSON.stringify(node)}, not an object with fields`);
    }
  }
}

/**
 * The config with `overrides` applied in order, validated again: a field the schema does not know,
 * or a value it refuses, is CONFIG_INVALID naming the `--set` and the field.
 */
export function applyOverrides(config: DtnConfig, overrides: readonly ConfigOverride[], origin?: string): DtnConfig {
  if (overrides.length === 0) return config;
  const raw = structuredClone(config) as unknown as Record<string, unknown>;
  for (const o of overrides) setAt(raw, parseOverrideKey(o.key, formatOverride(o)), structuredClone(o.value), formatOverride(o));
  try {
    return parseConfig(raw);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Name the --set behind each issue: its key lies on the issue's path (or under it, for an
    // unknown key, which zod reports at the parent object).
    const related = (issue: { path: string; message: string }) =>
      overrides.filter((o) => {
        if (issue.path === '(root)') return issue.message.includes(`"${o.key.split('.')[0]}"`);
        if (o.key === issue.path || issue.path.startsWith(`${o.key}.`)) return true;
        const below = o.key.startsWith(`${issue.path}.`) ? o.key.slice(issue.path.length + 1).split('.')[0] : undefined;
        return below !== undefined && issue.message.includes(`"${below}"`);
      });
    const culprits = [...new Set(err.issues.flatMap(related))];
    const sets = (culprits.length ? culprits : overrides).map((o) => `--set ${formatOverride(o)}`).join(' ');
    const lines = err.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
    throw new ConfigError(
      `${origin ? `${origin} with ` : ''}${sets}: invalid DTN config\n${lines}\n` +
        'Fix the --set values (the JSON schema of *.dtn.json lists the fields and allowed values).',
      undefined,
      err.issues,
    );
  }
}
