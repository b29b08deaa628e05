/**
 * New Config and Duplicate on disk: the text of a new `*.dtn.json`, a copy under another name, and
 * writing either without ever replacing a file. Free of vscode so it is unit-tested.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, modify, parseTree, type ParseError } from 'jsonc-parser';
import { SAFE_NAME } from '../../shared/config';
import type { PresetName } from '../../shared/presets';
import { formattingOf } from '../encoders/configEncoderEdit';

export const CONFIG_SUFFIX = '.dtn.json';

export function configFileFor(dir: string, name: string): string {
  return path.join(dir, `${name}${CONFIG_SUFFIX}`);
}

/** Why `name` cannot name a config in `dir` (the rule of the config's `name` field, and no file taken), or undefined. */
export function configNameProblem(name: string, dir: string): string | undefined {
  if (!SAFE_NAME.test(name))
    return 'Letters, digits, ".", "_" and "-" (a letter or digit first, at most 64): it names the run folders and the encoder folder.';
  if (fs.existsSync(configFileFor(dir, name))) return `${name}${CONFIG_SUFFIX} already exists here: choose another name.`;
  return undefined;
}

/** The first of `base`, `base-2`, `base-3`, … that names no config in `dir` yet. */
export function freeConfigName(dir: string, base: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!fs.existsSync(configFileFor(dir, name))) return name;
  }
}

/** A config that starts from `preset` under its own name (which names its runs and its encoder f). */
export function newConfigText(preset: PresetName, name: string): string {
  return `${JSON.stringify({ extends: preset, name }, null, 2)}\n`;
}

export class ConfigFileError extends Error {}

/** `text` with its `name` set to `name`; formatting and everything else kept. */
export function renamedConfigText(text: string, name: string): string {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true });
  if (errors.length || root?.type !== 'object') throw new ConfigFileError('it is not a JSON object: fix its syntax first');
  return applyEdits(text, modify(text, ['name'], name, { formattingOptions: formattingOf(text) }));
}

/** Creates `file` with `text`; never replaces an existing file (checked by the file system, not before). */
export function writeNewConfig(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ConfigFileError(`${file} already exists: nothing was written`);
    throw err;
  }
}

/** Copies the config `from` to `<its folder>/<name>.dtn.json` with `name` rewritten; returns the new file. */
export function duplicateConfig(from: string, name: string): string {
  const to = configFileFor(path.dirname(from), name);
  writeNewConfig(to, renamedConfigText(fs.readFileSync(from, 'utf8'), name));
  return to;
}
