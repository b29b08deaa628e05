/**
 * Tools of the fault suite: the built `dtn` CLI in a child process that a case can kill at a chosen
 * protocol message, a seeded random source, snapshots of a folder tree, and the data checks run
 * after every case (what "nothing lost, nothing escapes" means for a run folder).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strict as assert } from 'node:assert';
import { parseConfig } from '../../../src/shared/config';
import { MetricsRecordSchema, parseTrainerLine, type TrainerMessage } from '../../../src/shared/protocol';
import { RunInfoSchema } from '../../../src/shared/runInfo';
import { isRunDir } from '../../../src/shared/node/runFiles';
import { RUN_FILES, TENSOR_MANIFEST, parseStepName } from '../../../src/shared/node/runLayout';
import { configHash } from '../../../src/trainer/run/configFile';
import { readTensorFolder } from '../../../src/trainer/run/tensorFile';

import { CLI } from '../cli/builtCli';

export { CLI, ROOT, ensureBuilt } from '../cli/builtCli';

/** mulberry32: small, seedable, good enough to pick kill points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DtnRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  messages: TrainerMessage[];
  stderr: string;
  /** Killed by the case (SIGKILL). */
  killed: boolean;
  /** The `error` message, when the run reported one. */
  error?: Extract<TrainerMessage, { type: 'error' }>;
  /** Metrics steps and checkpoint steps the trainer reported: they must be on disk after any kill. */
  reported: { metrics: number[]; checkpoints: number[] };
}

export interface Control {
  child: ChildProcess;
  /** SIGKILL now, or after `delayMs`. */
  kill(delayMs?: number): void;
}

export interface DtnOptions {
  onMessage?: (msg: TrainerMessage, index: number, ctl: Control) => void;
  onSpawn?: (ctl: Control) => void;
  /** A command to run instead of node (e.g. unshare …), given the node command line. */
  wrap?: (argv: string[]) => string[];
}

/**
 * `dtn <args>` in `cwd` as the extension runs it: stdin stays open unless the case closes it; with
 * --json every complete stdout line is a protocol message (a line cut by a kill is dropped).
 */
export function dtn(args: string[], cwd: string, opts: DtnOptions = {}): Promise<DtnRun> {
  const env = { ...process.env };
  delete env.DTN_DEBUG;
  const argv = [process.execPath, CLI, ...args];
  const [cmd, ...rest] = opts.wrap ? opts.wrap(argv) : argv;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, rest, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let killed = false;
    const ctl: Control = {
      child,
      kill: (delayMs = 0) => {
        const k = () => {
          if (child.exitCode === null && child.signalCode === null) {
            killed = true;
            child.kill('SIGKILL');
          }
        };
        if (delayMs > 0) setTimeout(k, delayMs);
        else k();
      },
    };
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    let stderr = '';
    let pending = '';
    const messages: TrainerMessage[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const msg = line.trim() ? parseTrainerLine(line) : undefined;
        if (!msg) continue;
        messages.push(msg);
        opts.onMessage?.(msg, messages.length, ctl);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => undefined);
    child.stdout.on('error', () => undefined);
    child.on('error', reject);
    opts.onSpawn?.(ctl);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const error = messages.find((m): m is Extract<TrainerMessage, { type: 'error' }> => m.type === 'error');
      const reported = {
        metrics: messages.flatMap((m) => (m.type === 'metrics' ? [m.record.step] : [])),
        checkpoints: messages.flatMap((m) => (m.type === 'checkpoint' ? [m.step] : [])),
      };
      resolve({ status, signal, messages, stderr, killed, error, reported });
    });
  });
}

export function assertOk(r: DtnRun): void {
  assert.equal(r.status, 0, `exit ${r.status} (${r.signal})\nerror: ${JSON.stringify(r.error)}\nstderr: ${r.stderr.slice(-2000)}`);
}

export function assertFails(r: DtnRun, code: string, ...needles: (string | RegExp)[]): NonNullable<DtnRun['error']> {
  assert.equal(r.status, 1, `expected exit 1 with ${code}, got ${r.status} (${r.signal})\nstderr: ${r.stderr.slice(-2000)}`);
  assert.ok(r.error, `no error message\nstderr: ${r.stderr.slice(-2000)}`);
  assert.equal(r.error.code, code, JSON.stringify(r.error));
  const text = `${r.error.message}\n${r.error.fix ?? ''}`;
  for (const n of needles) assert.ok(typeof n === 'string' ? text.includes(n) : n.test(text), `${JSON.stringify(r.error)} lacks ${n}`);
  return r.error;
}

/** Every file and folder under `dir` (but `skip`) with its size and time: what a case must not touch. */
export function snapshot(dir: string, skip: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (p === skip) continue;
      const s = fs.lstatSync(p);
      out.set(p, e.isDirectory() ? 'dir' : `${s.size}:${s.mtimeMs}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

export function snapshotChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [p, v] of after) if (before.get(p) !== v) changes.push(`${before.has(p) ? 'changed' : 'written'} outside the case: ${p}`);
  for (const p of before.keys()) if (!after.has(p)) changes.push(`removed outside the case: ${p}`);
  return changes;
}

/** Run folders at or under `dir`. */
export function findRuns(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (isRunDir(d)) out.push(d);
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(dir);
  return out;
}

export interface InspectOptions {
  /** Steps the trainer reported before it died: each must still be on disk. */
  reported?: DtnRun['reported'];
  /** A trainer has since (re)started and finished here: no leftovers, no lock. */
  settled?: boolean;
  /** Checkpoints the case damaged on purpose. */
  damaged?: ReadonlySet<string>;
}

/** What was lost or left wrong in a run folder; empty when nothing. */
export function inspectRun(runDir: string, opts: InspectOptions = {}): string[] {
  const problems: string[] = [];
  const at = (what: string) => `${runDir}: ${what}`;

  // metrics.jsonl: every line a record but a torn last one; steps in order (no interleaving).
  const metricsFile = path.join(runDir, RUN_FILES.metrics);
  const onDisk: number[] = [];
  if (fs.existsSync(metricsFile)) {
    const text = fs.readFileSync(metricsFile, 'utf8');
    const lines = text.split('\n');
    const torn = lines.pop()!; // '' when the file ends with a newline
    if (torn && opts.settled) problems.push(at('metrics.jsonl ends in a torn line after a restart'));
    lines.forEach((line, i) => {
      let ok = false;
      try {
        const r = MetricsRecordSchema.safeParse(JSON.parse(line));
        if (r.success) {
          onDisk.push(r.data.step);
          ok = true;
        }
      } catch {
        // reported below
      }
      if (!ok) problems.push(at(`metrics.jsonl line ${i + 1} does not parse: ${line.slice(0, 80)}`));
    });
    for (let i = 1; i < onDisk.length; i++) {
      if (onDisk[i] <= onDisk[i - 1]) problems.push(at(`metrics.jsonl steps out of order: ${onDisk[i - 1]} then ${onDisk[i]}`));
    }
  }
  for (const step of opts.reported?.metrics ?? []) {
    if (!onDisk.includes(step)) problems.push(at(`the metrics of step ${step} were reported but are not in metrics.jsonl`));
  }

  // Every complete checkpoint loads: layout, checksum, meta, finite weights.
  const ckRoot = path.join(runDir, RUN_FILES.checkpoints);
  const complete: number[] = [];
  for (const name of fs.existsSync(ckRoot) ? fs.readdirSync(ckRoot) : []) {
    const dir = path.join(ckRoot, name);
    if (opts.settled && (name.includes('.tmp-') || !fs.existsSync(path.join(dir, TENSOR_MANIFEST)))) {
      problems.push(at(`leftover checkpoint folder after a restart: ${name}`));
    }
    const step = parseStepName(name);
    if (step === undefined || !fs.existsSync(path.join(dir, TENSOR_MANIFEST)) || opts.damaged?.has(dir)) continue;
    try {
      const { meta, tensors } = readTensorFolder<{ kind?: string; step?: number }>(dir);
      if (meta.kind !== 'dtn-checkpoint' || meta.step !== step)
        problems.push(at(`${name}: manifest meta ${JSON.stringify(meta).slice(0, 80)}`));
      for (const [t, v] of tensors) {
        if ((t.startsWith('g/') || t.startsWith('D/')) && !v.values.every(Number.isFinite))
          problems.push(at(`${name}: ${t} is not finite`));
      }
      complete.push(step);
    } catch (err) {
      problems.push(at(`${name} does not load: ${(err as Error).message}`));
    }
  }
  for (const step of opts.reported?.checkpoints ?? []) {
    if (!complete.includes(step)) problems.push(at(`checkpoint ${step} was reported but is not a complete checkpoint on disk`));
  }

  // run.json and config.json: valid, and of the same run.
  const runFile = path.join(runDir, RUN_FILES.run);
  if (fs.existsSync(runFile)) {
    try {
      const info = RunInfoSchema.parse(JSON.parse(fs.readFileSync(runFile, 'utf8')));
      const config = parseConfig(JSON.parse(fs.readFileSync(path.join(runDir, RUN_FILES.config), 'utf8')));
      if (configHash(config) !== info.configHash) problems.push(at('config.json and run.json disagree (config hash)'));
    } catch (err) {
      problems.push(at(`run.json or config.json is unreadable: ${(err as Error).message.slice(0, 200)}`));
    }
  }

  if (opts.settled) {
    const walk = (d: string): string[] =>
      fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(d, e.name);
        const own = /\.(tmp|stale)-/.test(e.name) ? [p] : [];
        return e.isDirectory() ? [...own, ...walk(p)] : own;
      });
    for (const p of walk(runDir)) problems.push(at(`leftover after a restart: ${path.relative(runDir, p)}`));
    if (fs.existsSync(path.join(runDir, RUN_FILES.lock))) problems.push(at('lock.json left after its trainer ended'));
  }
  return problems;
}

/** Tensors of a checkpoint, by name. */
export function tensorsOf(dir: string): Map<string, Float32Array> {
  return new Map([...readTensorFolder(dir).tensors].map(([k, v]) => [k, v.values]));
}

/** Whether `cmd args…` can run here (a capability probe: unshare, mount). */
export function canRun(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}
