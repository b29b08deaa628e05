/**
 * Checks a `*.dtn.json`'s text exactly as the trainer reads it and places every problem at a line
 * and column: strict JSON (no comments, no trailing commas), the file merged over the preset it
 * `extends`, then DtnConfigSchema (the schema the editor's JSON Schema is generated from). The
 * trainer's `--config` and the extension's check before a launch both call this.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { ConfigError, DtnConfigSchema, type DtnConfig } from './config';
import { withExtends } from './configExtends';
import { explainIssues, type ConfigIssue } from './configIssues';
import { PRESET_NAMES } from './presets';

export interface ConfigProblem {
  /** 1-based, as editors show them. */
  line: number;
  column: number;
  /** The dotted field, absent for a syntax error. */
  field?: string;
  message: string;
  fix: string;
}

export type ConfigCheck = { ok: true; config: DtnConfig } | { ok: false; syntax: boolean; problems: ConfigProblem[] };

/** `<where>:<line>:<column>: <field>: <message> — <fix>`, the form editors and terminals link. */
export function formatProblem(where: string, p: ConfigProblem): string {
  return `${where}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message} — ${p.fix}`;
}

/** The trainer's error for a config file that failed the check: one line per problem, each placed. */
export function configFileError(file: string, check: Extract<ConfigCheck, { ok: false }>): ConfigError {
  const lines = check.problems.map((p) => formatProblem(file, p));
  const message = check.syntax ? lines[0] : `${file}: invalid DTN config\n${lines.map((l) => `  ${l}`).join('\n')}`;
  const issues = check.syntax
    ? []
    : check.problems.map((p) => ({ path: p.field ?? '(root)', message: p.message, fix: p.fix, line: p.line, column: p.column }));
  return new ConfigError(message, file, issues);
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

const SYNTAX: Record<string, [message: string, fix: string]> = {
  InvalidSymbol: ['an unexpected character', 'remove it, or put text in double quotes'],
  InvalidNumberFormat: ['a malformed number', 'write the number as JSON does (e.g. 0.001, 1e-3)'],
  PropertyNameExpected: ['a field name in double quotes expected', 'add the name in double quotes'],
  ValueExpected: ['a value expected', 'add the value'],
  ColonExpected: ['":" expected after the field name', 'add the colon'],
  CommaExpected: ['"," expected between two entries', 'add the comma'],
  CloseBraceExpected: ['"}" expected', 'close the object'],
  CloseBracketExpected: ['"]" expected', 'close the array'],
  EndOfFileExpected: ['text after the end of the config', 'remove it'],
  InvalidCommentToken: ['a comment (the trainer reads strict JSON)', 'remove the comment'],
  UnexpectedEndOfComment: ['an unterminated comment (the trainer reads strict JSON)', 'remove the comment'],
  UnexpectedEndOfString: ['an unterminated string', 'close the string with a double quote'],
  UnexpectedEndOfNumber: ['a number cut short', 'complete the number'],
  InvalidUnicode: ['a malformed \\u escape', 'write four hex digits after \\u'],
  InvalidEscapeCharacter: ['an invalid escape in a string', 'escape a backslash as \\\\'],
  InvalidCharacter: ['a control character in a string', 'escape it (\\n, \\t)'],
};

/** The first syntax error: later ones are mostly its echoes. A trailing comma is named as such, at the comma. */
function syntaxProblem(text: string, error: ParseError): ConfigProblem {
  const name = printParseErrorCode(error.error);
  if (name === 'PropertyNameExpected' || name === 'ValueExpected') {
    const comma = /,\s*$/.exec(text.slice(0, error.offset));
    if (comma && /^[}\]]/.test(text.slice(error.offset)))
      return { ...lineColumn(text, comma.index), message: 'not valid JSON: a trailing comma', fix: 'remove the comma' };
    if (!text.trim())
      return { line: 1, column: 1, message: 'the file is empty', fix: 'write a config object, e.g. { "extends": "digits-quick" }' };
  }
  const [message, fix] = SYNTAX[name] ?? [name, 'correct the JSON there'];
  return { ...lineColumn(text, error.offset), message: `not valid JSON: ${message}`, fix };
}

/** A field's node in the file, or the nearest enclosing one that exists (a missing field, a field the preset gave). */
function nodeFor(root: Node, path: readonly (string | number)[]): { node: Node; key?: Node; exact: boolean } {
  let node = root;
  let key: Node | undefined;
  for (const seg of path) {
    let next: { value?: Node; key?: Node } | undefined;
    if (node.type === 'object') {
      const prop = node.children?.find((p) => p.children?.[0]?.value === String(seg));
      next = prop && { key: prop.children![0], value: prop.children![1] };
    } else if (node.type === 'array' && typeof seg === 'number') next = { value: node.children?.[seg] };
    if (!next?.value) return { node, key, exact: false };
    node = next.value;
    key = next.key;
  }
  return { node, key, exact: true };
}

function place(text: string, root: Node, issue: ConfigIssue, preset: string | undefined): ConfigProblem {
  const { node, key, exact } = nodeFor(root, issue.path);
  // An unknown field is marked at its name; a wrong value at the value; a missing field at its parent's name.
  const offset = (issue.unknownField || !exact) && key ? key.offset : node.offset;
  // A value the file does not hold came from the preset: say so, or the user looks for it in vain.
  const fromPreset = !exact && !issue.missing && preset ? ` (the file does not set it: the preset "${preset}" does)` : '';
  return { ...lineColumn(text, offset), field: issue.field, message: issue.message, fix: issue.fix + fromPreset };
}

export function checkConfigText(text: string): ConfigCheck {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length || !root) {
    const problem = errors.length
      ? syntaxProblem(text, errors[0])
      : { line: 1, column: 1, message: 'the file is empty', fix: 'write a config object, e.g. { "extends": "digits-quick" }' };
    return { ok: false, syntax: true, problems: [problem] };
  }
  let raw: unknown;
  try {
    // The trainer's values are JSON.parse's; the tree above only places problems.
    raw = JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec(String(err));
    const message = String((err as Error).message ?? err).replace(/ in JSON at position \d+.*$/s, '');
    return {
      ok: false,
      syntax: true,
      problems: [{ ...lineColumn(text, at ? Number(at[1]) : 0), message: `not valid JSON: ${message}`, fix: 'correct the JSON there' }],
    };
  }
  if (root.type !== 'object')
    return {
      ok: false,
      syntax: false,
      problems: [
        { ...lineColumn(text, root.offset), message: 'the config must be a JSON object', fix: 'write { "extends": "digits-quick", … }' },
      ],
    };
  const { merged, unknownPreset } = withExtends(raw);
  if (unknownPreset !== undefined) {
    const issue: ConfigIssue = {
      path: ['extends'],
      field: 'extends',
      message: `unknown preset "${unknownPreset}"`,
      fix: `use one of ${PRESET_NAMES.join(', ')}`,
    };
    return { ok: false, syntax: false, problems: [place(text, root, issue, undefined)] };
  }
  const preset = typeof (raw as { extends?: unknown }).extends === 'string' ? String((raw as { extends: string }).extends) : undefined;
  const result = DtnConfigSchema.safeParse(merged);
  if (result.success) return { ok: true, config: result.data };
  const problems = explainIssues(result.error.issues, merged).map((i) => place(text, root, i, preset));
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, syntax: false, problems };
}
