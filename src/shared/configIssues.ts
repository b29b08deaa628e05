/**
 * zod's issues for a config, as a person fixes them: one per field (a union's own issues replaced
 * by those of the variant the config meant), each with its dotted field and what to do.
 */
import type { z } from 'zod';

export interface ConfigIssue {
  /** Path of the field in the merged config (object keys, array indices). */
  path: (string | number)[];
  /** Dotted path, `(root)` for the config itself. */
  field: string;
  message: string;
  /** What to change, in words. */
  fix: string;
  /** The field itself is not allowed (marked at its name, not its value). */
  unknownField?: boolean;
  /** The field is absent (marked at its parent). */
  missing?: boolean;
}

type Issue = z.core.$ZodIssue;

/** Explains `issues` of validating `value` (the config after `extends` was merged). */
export function explainIssues(issues: readonly Issue[], value: unknown): ConfigIssue[] {
  return flatten(issues, []).flatMap((i) => explain(i, value));
}

/** Replaces a union's "Invalid input" by the issues of its closest variant, with absolute paths. */
function flatten(issues: readonly Issue[], prefix: PropertyKey[]): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.message === 'Invalid input') {
      // The variant whose `kind` matched, else the one with the fewest complaints.
      const score = (branch: readonly Issue[]) =>
        (branch.some((b) => b.code === 'invalid_value' && b.path.join('.') === 'kind') ? 1000 : 0) + branch.length;
      const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0];
      return flatten(best, path);
    }
    return [{ ...issue, path } as Issue];
  });
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const k of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(root)';
}

const an = (what: string) => (/^[aeiou]/.test(what) ? `an ${what}` : `a ${what}`);
const list = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

function explain(issue: Issue, value: unknown): ConfigIssue[] {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  const at = (p: (string | number)[], message: string, fix: string): ConfigIssue => ({ path: p, field: dotted(p), message, fix });
  switch (issue.code) {
    case 'unrecognized_keys':
      // One per key: each sits on its own line of the file.
      return issue.keys.map((key) => ({
        ...at([...path, key], `unknown field "${key}"`, 'remove it, or correct its spelling'),
        unknownField: true,
      }));
    case 'invalid_type':
      if (valueAt(value, path) === undefined)
        return [{ ...at(path, `missing (${an(issue.expected)} is required)`, `add "${path.at(-1) ?? 'it'}"`), missing: true }];
      return [at(path, issue.message, `make it ${an(issue.expected)}`)];
    case 'invalid_value':
      return [
        at(
          path,
          `${JSON.stringify(valueAt(value, path))} is not allowed here`,
          issue.values.length === 1 ? `use ${list(issue.values)}` : `use one of ${list(issue.values)}`,
        ),
      ];
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? issue.minimum : issue.maximum;
      const exact = 'exact' in issue && issue.exact;
      const fix =
        issue.origin === 'array'
          ? `give ${exact ? 'exactly' : small ? 'at least' : 'at most'} ${String(bound)} values`
          : issue.origin === 'string'
            ? `use ${small ? 'at least' : 'at most'} ${String(bound)} characters`
            : `use a number ${small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<'} ${String(bound)}`;
      return [at(path, issue.message, fix)];
    }
    case 'invalid_union':
      // A discriminated union whose `kind` names no variant (zod lists the kinds), or a union with its own message.
      if ('options' in issue && Array.isArray(issue.options))
        return [at(path, `unknown ${String(path.at(-1))} ${JSON.stringify(valueAt(value, path))}`, `use one of ${list(issue.options)}`)];
      return [at(path, issue.message, "see the field's description (hover it in the editor)")];
    case 'invalid_format':
      return [at(path, issue.message, 'change it as the message says')];
    default:
      return [at(path, issue.message, "see the field's description (hover it in the editor)")];
  }
}
