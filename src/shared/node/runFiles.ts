/**
 * Reading a run directory without tfjs: what the extension host (and any other tool) needs to show
 * a run, live or finished, written here or by the CLI on another machine. Everything read from
 * disk is validated; a torn or foreign line is skipped, never fatal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MetricsRecordSchema, type MetricsRecord } from '../protocol';
import { RunInfoFileSchema, type EffectiveRunStatus, type RunInfoFile } from '../runInfo';
import { SampleIndexSchema, type SampleIndex } from '../sampleIndex';
import { checkpointPath, parseStepName, RUN_FILES, sampleIndexPath, TENSOR_MANIFEST } from './runLayout';
import { runLockState } from './runLock';

export type { RunInfoFile };

/** run.json, leniently (see RunInfoFileSchema); undefined when absent or unreadable. */
export function readRunInfoFile(runDir: string): RunInfoFile | undefined {
  try {
    const r = RunInfoFileSchema.safeParse(JSON.parse(fs.readFileSync(path.join(runDir, RUN_FILES.run), 'utf8')));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** A run's status as a reader should show it, and the live process that owns it, if any. */
export interface RunState {
  /** undefined: no readable run.json and no live owner. */
  status: EffectiveRunStatus | undefined;
  owner?: { pid: number; hostname: string; startedAt: string; /** On this host (so it can be signalled). */ here: boolean };
}

/**
 * `running` only while a live process holds the run's lock (on another host: while its lock is
 * there, which cannot be checked from here); run.json's `running` without one reads `interrupted`.
 */
export function runState(runDir: string, info = readRunInfoFile(runDir)): RunState {
  const lock = runLockState(runDir);
  if (lock.kind === 'live') {
    const { pid, hostname, startedAt } = lock.lock;
    return { status: 'running', owner: { pid, hostname, startedAt, here: lock.here } };
  }
  return { status: info?.status === 'running' ? 'interrupted' : info?.status };
}

/** Parses metrics.jsonl text; malformed lines are skipped. */
export function parseMetricsLines(text: string): MetricsRecord[] {
  const out: MetricsRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = MetricsRecordSchema.safeParse(JSON.parse(line));
      if (r.success) out.push(r.data);
    } catch {
      // torn line (the writer died mid-line)
    }
  }
  return out;
}

export function readMetricsFile(runDir: string): MetricsRecord[] {
  try {
    return parseMetricsLines(fs.readFileSync(path.join(runDir, RUN_FILES.metrics), 'utf8'));
  } catch {
    return [];
  }
}

export interface StepFile {
  step: number;
  path: string;
}

/** Paths of the entries of `dir`; none when it does not exist or cannot be read. */
export function childPaths(dir: string): string[] {
  try {
    return fs.readdirSync(dir).map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

export function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Entries named step-XXXXXXXX[.png] in `dir` that pass `keep`, oldest first. */
function stepEntries(dir: string, keep: (p: string) => boolean): StepFile[] {
  return childPaths(dir)
    .map((p) => ({ step: parseStepName(path.basename(p)), path: p }))
    .filter((e): e is StepFile => e.step !== undefined && keep(e.path))
    .sort((a, b) => a.step - b.step);
}

/** Saved sample grids, oldest first. */
export function listSampleFiles(runDir: string): StepFile[] {
  return stepEntries(path.join(runDir, RUN_FILES.samples), (p) => p.endsWith('.png'));
}

/**
 * samples/index.json: `index` when valid; nothing when absent (a run written before it existed: the
 * grids still show, tiles unnamed); `problem` (naming the file and the fix) when it cannot be used.
 */
export function readSampleIndex(runDir: string): { index?: SampleIndex; problem?: string } {
  const file = sampleIndexPath(runDir);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { problem: `${file} is not readable JSON (${(err as Error).message}). Delete it: the grids show without tile labels.` };
  }
  const r = SampleIndexSchema.safeParse(raw);
  if (r.success) return { index: r.data };
  const why = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { problem: `${file} is not a valid sample index (${why}). Delete it: the grids show without tile labels.` };
}

/** Complete checkpoints (those with a manifest: an interrupted write has none), oldest first. */
export function listCheckpointDirs(runDir: string): StepFile[] {
  return stepEntries(path.join(runDir, RUN_FILES.checkpoints), (p) => fs.existsSync(path.join(p, TENSOR_MANIFEST)));
}

/**
 * The run's best checkpoint (run.json's `best`) when it is still a complete checkpoint of this
 * run; undefined when none was recorded or it has been deleted since.
 */
export function bestCheckpointOf(runDir: string, info = readRunInfoFile(runDir)): (StepFile & { accuracy: number }) | undefined {
  const best = info?.best;
  if (!best) return undefined;
  // The folder follows from the step: the recorded `checkpoint` text never builds a path, so a
  // crafted run.json cannot point outside the run.
  const dir = checkpointPath(runDir, best.step);
  if (!fs.existsSync(path.join(dir, TENSOR_MANIFEST))) return undefined;
  return { step: best.step, path: dir, accuracy: best.accuracy };
}

/** A folder is a run when the trainer has written its run.json or metrics. */
export function isRunDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, RUN_FILES.run)) || fs.existsSync(path.join(dir, RUN_FILES.metrics));
}

/** Run folders directly under `root`, newest first (names start with a timestamp; mtime breaks ties). */
export function listRunDirs(root: string): string[] {
  return childPaths(root)
    .filter((d) => isDir(d) && isRunDir(d))
    .map((d) => ({ d, t: fs.statSync(d).mtimeMs }))
    .sort((a, b) => b.t - a.t || b.d.localeCompare(a.d))
    .map((x) => x.d);
}

/** Same id format as the trainer's default run folders: 20250101-120000-<name>. */
export function newRunId(name: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
    .replace('T', '-');
  return `${stamp}-${name.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
}
