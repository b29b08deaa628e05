/**
 * `dtn sweep`: train a config over seeds and `--set` value lists, each (variant, seed) a child
 * `dtn train` in .dtn/sweeps/<id>/<run>, with sweep.json (plan and states) and summary.md / .csv.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { ConfigError, SAFE_NAME, type BackendChoice } from '../../../shared/config';
import { DtnError } from '../../../shared/errors';
import { newRunId } from '../../../shared/node/runFiles';
import { acquireRunLock } from '../../../shared/node/runLock';
import { DEFAULT_SWEEP_ROOT } from '../../../shared/node/runLayout';
import type { PresetName } from '../../../shared/presets';
import { SWEEP_FILES, SWEEP_KIND, countStates, type SweepFile } from '../../../shared/sweep';
import { configHash, presetConfig, readConfigFile, type ResolvedConfig } from '../../run/configFile';
import { SweepRunner } from '../../sweep/runSweep';
import { cpuCores } from '../../engine/cpuCores';
import { readSweepFile, writeSweepFile } from '../../sweep/sweepFolder';
import { createSweepProgress } from '../../sweep/sweepProgress';
import { parseSeeds, parseSweepSet, planSweep, runConfig, type SweepSet } from '../../sweep/sweepSpec';
import { resolveConfig } from './options';

export interface SweepOpts {
  preset?: string;
  config?: string;
  seeds?: number[];
  set?: SweepSet[];
  parallel?: number | 'auto';
  name?: string;
  out?: string;
  resume?: string;
  backend?: BackendChoice;
  json?: boolean;
}

/** Commander parsers: a bad list is a usage error before anything is read. */
export function seedsArg(text: string): number[] {
  try {
    return parseSeeds(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function sweepSetArg(text: string, previous: SweepSet[] = []): SweepSet[] {
  try {
    return [...previous, parseSweepSet(text)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function parallelArg(text: string): number | 'auto' {
  if (text === 'auto') return 'auto';
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--parallel must be a positive integer or auto');
  return n;
}

export function sweepNameArg(text: string): string {
  if (!SAFE_NAME.test(text))
    throw new InvalidArgumentError('--name must be letters, digits, ".", "_" and "-" (no slashes, not starting with a dot)');
  return text;
}

/**
 * How many runs at once: `auto` is the machine's cores (each run then trains on one: see
 * childThreads), 1 on webgpu (one GPU); never more than the runs left to do.
 */
export function parallelism(parallel: number | 'auto' | undefined, backend: BackendChoice, runsToDo: number): number {
  const wanted = parallel === 'auto' ? (backend === 'webgpu' ? 1 : os.availableParallelism()) : (parallel ?? 1);
  return Math.max(1, Math.min(wanted, runsToDo));
}

/** Runs side by side share the physical cores (the wasm backend would otherwise start a thread per core in each). */
export function childThreads(parallel: number, physicalCores: number): number | undefined {
  return parallel > 1 ? Math.max(1, Math.floor(physicalCores / parallel)) : undefined;
}

function baseOf(sweep: SweepFile): { resolved: ResolvedConfig; args: string[] } {
  if ('preset' in sweep.base) return { resolved: presetConfig(sweep.base.preset), args: ['--preset', sweep.base.preset] };
  return { resolved: readConfigFile(sweep.base.config), args: ['--config', sweep.base.config] };
}

/** A new sweep: plan and validate every run, then create the folder and its sweep.json. */
function createSweep(opts: SweepOpts): { dir: string; sweep: SweepFile } {
  const resolved = resolveConfig({ preset: opts.preset, config: opts.config });
  const seeds = opts.seeds ?? [resolved.config.seed];
  const plan = planSweep(resolved.config, opts.set ?? [], seeds, resolved.origin);
  const outName = opts.out && path.basename(path.resolve(opts.out));
  const id = opts.name ?? (outName && SAFE_NAME.test(outName) ? outName : newRunId(`${resolved.config.name}-sweep`));
  const dir = path.resolve(opts.out ?? path.join(DEFAULT_SWEEP_ROOT, id));
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    const isSweep = fs.existsSync(path.join(dir, SWEEP_FILES.spec));
    throw new DtnError(isSweep ? 'RUN_EXISTS' : 'OUTPUT_INVALID', `${dir} ${isSweep ? 'already holds a sweep' : 'is not empty'}`, {
      file: dir,
      fix: isSweep ? `Continue it with dtn sweep --resume ${dir}, or pass another --name or --out` : 'Pass a new or empty folder as --out',
    });
  }
  const now = new Date().toISOString();
  const sweep: SweepFile = {
    kind: SWEEP_KIND,
    version: 1,
    id,
    createdAt: now,
    updatedAt: now,
    base: opts.config ? { config: path.resolve(opts.config) } : { preset: opts.preset as PresetName },
    baseConfig: resolved.config,
    backend: opts.backend,
    seeds,
    variants: plan.variants,
    runs: plan.runs,
  };
  fs.mkdirSync(dir, { recursive: true });
  return { dir, sweep };
}

/** `--resume`: the sweep as planned, its base config unchanged since, every variant still valid. */
function reopenSweep(opts: SweepOpts): { dir: string; sweep: SweepFile } {
  const given = (['preset', 'config', 'seeds', 'set', 'name', 'out'] as const).filter((k) => opts[k] !== undefined);
  if (given.length) {
    throw new ConfigError(
      `--resume continues a sweep as it was planned: drop ${given.map((k) => `--${k}`).join(', ')} (or start a new sweep without --resume)`,
      undefined,
      [],
    );
  }
  const dir = path.resolve(opts.resume!);
  const sweep = readSweepFile(dir);
  const { resolved } = baseOf(sweep);
  if (configHash(resolved.config) !== configHash(sweep.baseConfig) || resolved.config.train.steps !== sweep.baseConfig.train.steps) {
    throw new ConfigError(
      `${resolved.origin} has changed since the sweep started (${configHash(sweep.baseConfig)} -> ${configHash(resolved.config)}): ` +
        'resumed runs would not match the others',
      'config' in sweep.base ? sweep.base.config : undefined,
      [],
    );
  }
  for (const run of sweep.runs) runConfig(sweep.baseConfig, sweep.variants[run.variant], run.seed, resolved.origin);
  if (opts.backend) sweep.backend = opts.backend;
  return { dir, sweep };
}

export async function sweepCommand(opts: SweepOpts): Promise<number> {
  const { dir, sweep } = opts.resume ? reopenSweep(opts) : createSweep(opts);
  // One sweep process per folder: a second --resume of a live sweep is RUN_BUSY.
  const lock = acquireRunLock(dir);
  try {
    const progress = createSweepProgress(Boolean(opts.json));
    writeSweepFile(dir, sweep);
    const todo = sweep.runs.filter((r) => r.state !== 'completed').length;
    const parallel = parallelism(opts.parallel, sweep.backend ?? sweep.baseConfig.backend, todo);
    progress.note(
      `sweep ${dir}: ${sweep.variants.length} variant(s) × ${sweep.seeds.length} seed(s), ${todo} run(s) to do, ${parallel} at a time`,
    );
    const runner = new SweepRunner({
      dir,
      sweep,
      cli: process.argv[1],
      cwd: process.cwd(),
      parallel,
      baseArgs: baseOf(sweep).args,
      backend: sweep.backend,
      threads: childThreads(parallel, cpuCores().physical),
      progress,
    });
    const onSignal = () => runner.stop();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const result = await runner.run();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    progress.finish();
    return report(dir, result.sweep, result.stopped, Boolean(opts.json));
  } finally {
    lock.release();
  }
}

/** The closing lines and the exit status: 1 when a run failed, 130 when stopped, else 0. */
function report(dir: string, sweep: SweepFile, stopped: boolean, json: boolean): number {
  const states = countStates(sweep.runs);
  const failed = sweep.runs.filter((r) => r.state === 'failed');
  const text =
    `sweep ${stopped ? 'stopped' : 'finished'}: ${states.completed} completed, ${states.failed} failed` +
    `${states.stopped + states.pending + states.running ? `, ${states.stopped + states.pending + states.running} to resume` : ''}`;
  const summary = path.join(dir, SWEEP_FILES.markdown);
  if (json) {
    process.stdout.write(`${JSON.stringify({ type: 'status', phase: 'sweep', message: `${text}; summary: ${summary}` })}\n`);
    if (failed.length) {
      process.stdout.write(
        `${JSON.stringify({
          type: 'error',
          code: failed[0].error?.code ?? 'INTERNAL',
          message: `${failed.length} of ${sweep.runs.length} runs failed: ${failed.map((r) => `${r.name} (${r.error?.code})`).join(', ')}`,
          file: summary,
          fix: `See ${summary}; dtn sweep --resume ${dir} runs the failed ones again`,
        })}\n`,
      );
    }
  } else {
    process.stderr.write(`\n${text}\n  summary: ${summary}\n  table:   ${path.join(dir, SWEEP_FILES.csv)}\n`);
    for (const r of failed) process.stderr.write(`  failed: ${r.name}: ${r.error?.code}: ${r.error?.message.split('\n')[0]}\n`);
    if (stopped || failed.length) process.stderr.write(`  continue with: dtn sweep --resume ${dir}\n`);
  }
  if (failed.length) return 1;
  return stopped ? 130 : 0;
}
