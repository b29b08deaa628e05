/**
 * The check before a launch: the config file as the trainer will read it, through the trainer's own
 * check (src/shared/configCheck.ts), so a config with problems is refused before any process starts.
 * Free of vscode so it is unit-tested.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkConfigText, formatProblem, type ConfigProblem } from '../../shared/configCheck';
import { messageOf } from '../../shared/errors';

export type Preflight = { ok: true } | { ok: false; problems: ConfigProblem[] };

export function preflightConfigFile(file: string): Preflight {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return {
      ok: false,
      problems: [{ line: 1, column: 1, message: `cannot be read (${messageOf(err)})`, fix: 'check that the file exists' }],
    };
  }
  const check = checkConfigText(text);
  return check.ok ? { ok: true } : { ok: false, problems: check.problems };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The refusal for a notification: the count and the first `max` problems, placed by the file's name. */
export function refusalMessage(file: string, problems: readonly ConfigProblem[], what: string, max = 3): string {
  const name = path.basename(file);
  const shown = problems.slice(0, max).map((p) => formatProblem(name, p));
  const more = problems.length > max ? ` (and ${problems.length - max} more in the log)` : '';
  return `${name} has ${plural(problems.length, 'problem')}, so ${what} was not started: ${shown.join('; ')}${more}`;
}

/** The same for the log: every problem, one a line, with the full path (a terminal links it). */
export function refusalLog(file: string, problems: readonly ConfigProblem[], what: string): string {
  return [
    `${what} not started: ${file} has ${plural(problems.length, 'problem')}`,
    ...problems.map((p) => `  ${formatProblem(file, p)}`),
  ].join('\n');
}
