/**
 * A run folder (layout in src/shared/node/runLayout): the one place in the trainer that reads or
 * writes run.json, config.json, metrics.jsonl, samples/, checkpoints/ and eval/ of a run, and that
 * takes its lock (lock.json) before changing any of them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DtnConfig } from '../../shared/config';
import { DtnError, messageOf } from '../../shared/errors';
import type { MetricsRecord } from '../../shared/protocol';
import { RunInfoSchema, type RunInfo } from '../../shared/runInfo';
import type { SampleIndex } from '../../shared/sampleIndex';
import { defaultRunName } from '../../shared/runLabel';
import { writeFileAtomic } from '../../shared/node/atomicWrite';
import { listCheckpointDirs, newRunId, readMetricsFile, readSampleIndex, type StepFile } from '../../shared/node/runFiles';
import { DEFAULT_RUN_ROOT, evalReportPath, RUN_FILES, sampleIndexPath, samplePath } from '../../shared/node/runLayout';
import { acquireRunLock, type RunLock } from '../../shared/node/runLock';
import { readRunLabel, writeRunLabel } from '../../shared/node/runLabelFile';
import { removeLeftovers } from './runLeftovers';
import type { Dtn } from '../dtn/dtn';
import { loadCheckpoint, pruneCheckpoints, saveCheckpoint, type CheckpointMeta } from './checkpoint';
import { readConfigFile, type ResolvedConfig } from './configFile';

export interface CreateOptions {
  /** Continuing a run (--resume): the folder's files are this run's own. */
  resumed?: boolean;
  /** A new run may replace the run already in the folder (--force). */
  force?: boolean;
  /** Told when a stale lock is taken over. */
  warn?: (message: string) => void;
  /** `--name` / `--notes`: a new run's label (default name: the config's name and a short id); on resume, changes to it. */
  label?: { name?: string; notes?: string };
}

/** What a new run finds in its folder. */
export type FolderContents = 'empty' | 'run' | 'other';

/** The files of a run: what --force removes. */
const RUN_ENTRIES: readonly string[] = [
  RUN_FILES.run,
  RUN_FILES.config,
  RUN_FILES.metrics,
  RUN_FILES.samples,
  RUN_FILES.checkpoints,
  RUN_FILES.eval,
  RUN_FILES.label,
];

export class RunFolder {
  readonly dir: string;
  private held: RunLock | undefined;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** A new folder under .dtn/runs named after the config and the time (nothing is created yet). */
  static fresh(name: string): RunFolder {
    return new RunFolder(path.join(DEFAULT_RUN_ROOT, newRunId(name)));
  }

  get id(): string {
    return path.basename(this.dir);
  }

  private file(name: string): string {
    return path.join(this.dir, name);
  }

  /**
   * Makes the folder with config.json and run.json: called once the run is sure to start. Takes
   * the lock first (if not held yet) and checks, under it, that the folder is this run's to write
   * (assertWritable); a new run with `force` then removes the old run's files.
   */
  create(config: DtnConfig, info: RunInfo, opts: CreateOptions = {}): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
    } catch (err) {
      throw new DtnError('OUTPUT_INVALID', `cannot create the run folder ${this.dir}: ${messageOf(err)}`, {
        file: this.dir,
        fix: 'Make its parent folder writable, or pass another --run-dir',
        cause: err,
      });
    }
    this.lock(opts.warn);
    // Again under the lock: another trainer may have written here since start-up looked.
    this.assertWritable({ newRun: !opts.resumed, force: opts.force });
    if (!opts.resumed) this.removeRunFiles();
    // run.json first: a trainer killed in between leaves a folder that reads as a run (--force
    // replaces it), never a config.json that looks like someone's own.
    this.writeInfo(info);
    this.writeJson(RUN_FILES.config, config);
    this.writeLabel(config.name, opts);
    fs.mkdirSync(this.file(RUN_FILES.samples), { recursive: true });
    fs.mkdirSync(this.file(RUN_FILES.checkpoints), { recursive: true });
  }

  /**
   * label.json: a new run's name and notes; a resumed run keeps the user's (they may have renamed it)
   * unless --name or --notes change them.
   */
  private writeLabel(configName: string, opts: CreateOptions): void {
    const given = opts.label ?? {};
    if (!opts.resumed) {
      writeRunLabel(this.dir, { name: given.name ?? defaultRunName(configName, this.id), notes: given.notes });
      return;
    }
    if (given.name === undefined && given.notes === undefined) return;
    const old = readRunLabel(this.dir);
    writeRunLabel(this.dir, {
      ...old,
      name: given.name ?? old?.name ?? defaultRunName(configName, this.id),
      notes: given.notes ?? old?.notes,
    });
  }

  exists(): boolean {
    return fs.existsSync(this.dir);
  }

  /** Takes the folder's lock (the folder exists); a live owner is a RUN_BUSY error. Held until unlock(). */
  lock(warn?: (message: string) => void): void {
    if (this.held) return;
    if (!fs.statSync(this.dir).isDirectory()) {
      throw new DtnError('OUTPUT_INVALID', `${this.dir} is a file, not a run folder`, {
        file: this.dir,
        fix: 'Pass a folder as --run-dir',
      });
    }
    this.held = acquireRunLock(this.dir, { warn });
  }

  /** Releases the lock if this process holds it. */
  unlock(): void {
    this.held?.release();
    this.held = undefined;
  }

  get locked(): boolean {
    return this.held !== undefined;
  }

  /** Nothing but a lock and crash leftovers; a run (run.json or metrics.jsonl, as isRunDir); or anything else. */
  contents(): FolderContents {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return 'empty';
    }
    const own = names.filter((n) => n !== RUN_FILES.lock && !n.includes('.tmp-') && !n.includes('.stale-') && !n.endsWith('.takeover'));
    if (own.length === 0) return 'empty';
    if (own.includes(RUN_FILES.run) || own.includes(RUN_FILES.metrics)) return 'run';
    return 'other';
  }

  /**
   * A folder of other files (no run.json) is never written into: its config.json may be someone's
   * own. A new run goes into an empty folder, or over a run with `force`.
   */
  assertWritable(opts: { newRun: boolean; force?: boolean }): void {
    const contents = this.contents();
    if (contents === 'other') {
      throw new DtnError('OUTPUT_INVALID', `${this.dir} is not empty and holds no run (no ${RUN_FILES.run}): it is not written into`, {
        file: this.dir,
        fix: 'Pass a new or empty folder as --run-dir (or none: runs go to .dtn/runs/<id>)',
      });
    }
    if (contents === 'run' && opts.newRun && !opts.force) {
      throw new DtnError('RUN_EXISTS', `${this.dir} already holds a run`, {
        file: this.dir,
        fix:
          `Continue it with --resume ${this.dir}, start over with --force (removes its run.json, config.json, ` +
          'metrics.jsonl, samples/, checkpoints/ and eval/), or pass another --run-dir',
      });
    }
  }

  /** --force: the old run's files go, nothing else in the folder. Only with the lock held. */
  private removeRunFiles(): void {
    this.assertLocked();
    for (const name of RUN_ENTRIES) fs.rmSync(this.file(name), { recursive: true, force: true });
  }

  /**
   * Removes what a killed trainer left: temporary files of atomic writes, temporary and
   * manifest-less checkpoint folders. Only with the lock held; returns the paths removed.
   */
  cleanLeftovers(): string[] {
    this.assertLocked();
    return removeLeftovers(this.dir);
  }

  private assertLocked(): void {
    if (!this.held) throw new Error(`${this.dir}: the run folder's lock is not held`);
  }

  /** run.json, validated; undefined when the folder has none yet. A file that fails is an error, not a guess. */
  readInfo(): RunInfo | undefined {
    const file = this.file(RUN_FILES.run);
    if (!fs.existsSync(file)) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new DtnError('RUN_INVALID', `${file} is not valid JSON (${messageOf(err)}). ${FIX}`, { file, fix: FIX, cause: err });
    }
    const r = RunInfoSchema.safeParse(raw);
    if (!r.success) {
      // The first few issues say enough: a foreign file fails on every field.
      const all = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      const issues = all.length > 3 ? `${all.slice(0, 3).join('; ')}; and ${all.length - 3} more` : all.join('; ');
      throw new DtnError('RUN_INVALID', `${file} is not a run.json written by dtn train (${issues}). ${FIX}`, { file, fix: FIX });
    }
    return r.data;
  }

  writeInfo(info: RunInfo): void {
    this.writeJson(RUN_FILES.run, info);
  }

  get configPath(): string {
    return this.file(RUN_FILES.config);
  }

  /** The config the run was started with, its relative paths resolved as they were then. */
  readConfig(): ResolvedConfig {
    const resolved = readConfigFile(this.configPath, { effective: true });
    return { ...resolved, baseDir: this.readInfo()?.baseDir ?? process.cwd() };
  }

  appendMetrics(record: MetricsRecord): void {
    fs.appendFileSync(this.file(RUN_FILES.metrics), `${JSON.stringify(record)}\n`);
  }

  /** metrics.jsonl, skipping a torn last line (the process died mid-write) and malformed lines. */
  readMetrics(): MetricsRecord[] {
    return readMetricsFile(this.dir);
  }

  /**
   * On resume from step N, records after N describe steps that will be trained again: drop them so
   * metrics.jsonl reads as one uninterrupted run.
   */
  truncateMetricsAfter(step: number): void {
    const file = this.file(RUN_FILES.metrics);
    if (!fs.existsSync(file)) return;
    const kept = this.readMetrics().filter((r) => r.step <= step);
    writeFileAtomic(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  samplePath(step: number): string {
    return samplePath(this.dir, step);
  }

  /** Writes the sample grid PNG of `step` atomically (panels load it as soon as it appears). */
  writeSample(step: number, png: Buffer): string {
    const file = this.samplePath(step);
    writeFileAtomic(file, png);
    return file;
  }

  /** samples/index.json (see src/shared/sampleIndex.ts); `problem` when the one there is unusable. */
  readSampleIndex(): ReturnType<typeof readSampleIndex> {
    return readSampleIndex(this.dir);
  }

  writeSampleIndex(index: SampleIndex): void {
    writeFileAtomic(sampleIndexPath(this.dir), `${JSON.stringify(index, null, 2)}\n`);
  }

  saveCheckpoint(dtn: Dtn, meta: Omit<CheckpointMeta, 'kind' | 'createdAt'>): Promise<string> {
    return saveCheckpoint(this.dir, dtn, meta);
  }

  /** Restores `dtn` from one of this run's checkpoints (a folder from listCheckpoints or resolveResume). */
  loadCheckpoint(checkpoint: string, dtn: Dtn): Promise<CheckpointMeta> {
    return loadCheckpoint(checkpoint, dtn);
  }

  /** Complete checkpoints, oldest first. */
  listCheckpoints(): StepFile[] {
    return listCheckpointDirs(this.dir);
  }

  /** Keeps the newest `keep` checkpoints and those of `protect` (the best). */
  pruneCheckpoints(keep: number, protect: readonly number[] = []): void {
    pruneCheckpoints(this.dir, keep, protect);
  }

  /** Writes eval/step-XXXXXXXX.{json,md}; returns the Markdown path. */
  writeEvalReport(step: number, report: unknown, markdown: string): string {
    writeFileAtomic(evalReportPath(this.dir, step), `${JSON.stringify(report, null, 2)}\n`);
    writeFileAtomic(evalReportPath(this.dir, step, 'md'), markdown);
    return evalReportPath(this.dir, step, 'md');
  }

  private writeJson(name: string, value: unknown): void {
    writeFileAtomic(this.file(name), `${JSON.stringify(value, null, 2)}\n`);
  }
}

const FIX = 'Resume from a run folder that dtn train wrote, or start a new run (without --resume, or with another --run-dir)';
