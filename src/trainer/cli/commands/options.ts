/** What the `dtn` subcommands share: option parsing and resolving --preset / --config / --resume. */
import * as path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { BACKENDS, ConfigError, type BackendChoice } from '../../../shared/config';
import { isRunDir } from '../../../shared/node/runFiles';
import { PRESET_NAMES } from '../../../shared/presets';
import { runNameProblem, runNotesProblem } from '../../../shared/runLabel';
import { parseThreadsChoice, type ThreadsChoice } from '../../../shared/threads';
import { presetConfig, readConfigFile, type ResolvedConfig } from '../../run/configFile';
import { applyOverrides, parseOverride, type ConfigOverride } from '../../run/configOverrides';
import { RunFolder } from '../../run/runFolder';
import { resolveResume } from '../../run/resumeTarget';

export interface CommonOpts {
  preset?: string;
  config?: string;
  /** `--set key=value`, in the order given (a later one wins on the same key). */
  set?: ConfigOverride[];
  backend?: BackendChoice;
  threads?: ThreadsChoice;
  json?: boolean;
  seed?: number;
}

export function nonNegativeInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    return n;
  };
}

export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

export function intInRange(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** --name: checked as the extension's Rename checks it (src/shared/runLabel.ts). */
export function runName(v: string): string {
  const problem = runNameProblem(v);
  if (problem) throw new InvalidArgumentError(problem);
  return v.trim();
}

export function runNotes(v: string): string {
  const problem = runNotesProblem(v);
  if (problem) throw new InvalidArgumentError(problem);
  return v;
}

/** Commander's parser for a repeatable `--set key=value`: bad syntax is a usage error at once. */
export function collectOverride(text: string, previous: ConfigOverride[] = []): ConfigOverride[] {
  try {
    return [...previous, parseOverride(text)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export const setOption = () =>
  new Option(
    '--set <path=value>',
    'override one config field after the preset or file, e.g. --set train.emaDecay=0.99 ' +
      '(the value is JSON when it parses, else a string; repeatable)',
  ).argParser(collectOverride);

export const backendOption = () => new Option('--backend <name>', 'compute backend').choices(BACKENDS);

export function threadsArg(v: string): ThreadsChoice {
  const parsed = parseThreadsChoice(v);
  if ('problem' in parsed) throw new InvalidArgumentError(parsed.problem);
  return parsed.threads;
}

export const threadsOption = () =>
  new Option('--threads <auto|n>', 'threads of the wasm backend (default auto: the physical cores)').argParser(threadsArg);

/** --preset | --config, --seed, --backend, --threads and --json, as every training-like command takes them. */
export function withConfigOptions(cmd: Command, presetHelp = 'built-in configuration'): Command {
  return cmd
    .addOption(new Option('--preset <name>', presetHelp).choices(PRESET_NAMES))
    .option('--config <file>', 'a *.dtn.json configuration file')
    .addOption(setOption())
    .option('--seed <n>', 'override the config seed', nonNegativeInt('--seed'))
    .addOption(backendOption())
    .addOption(threadsOption())
    .option('--json', 'one protocol message per stdout line (for tools)');
}

export function resolveConfig(opts: CommonOpts, fallbackPreset?: string): ResolvedConfig {
  if (opts.preset && opts.config) throw new ConfigError('pass either --preset or --config, not both', undefined, []);
  const preset = opts.preset ?? fallbackPreset;
  const resolved = opts.config ? readConfigFile(opts.config) : preset ? presetConfig(preset) : undefined;
  if (!resolved)
    throw new ConfigError(`choose a configuration: --preset ${PRESET_NAMES.join('|')} or --config <file.dtn.json>`, undefined, []);
  resolved.config = applyOverrides(resolved.config, opts.set ?? [], resolved.origin);
  if (opts.seed !== undefined) resolved.config.seed = opts.seed;
  return resolved;
}

/** `--resume` alone: train on with the config the run was started with. */
export function configOfRun(resume: string, overrides: readonly ConfigOverride[] = []): ResolvedConfig {
  // A run folder is its own: whether it has a checkpoint to resume from is train()'s to say (and
  // to clear up after, under the run's lock).
  const runDir = isRunDir(path.resolve(resume)) ? resume : resolveResume(resume).runDir;
  const resolved = new RunFolder(runDir).readConfig();
  return { ...resolved, config: applyOverrides(resolved.config, overrides, resolved.origin) };
}
