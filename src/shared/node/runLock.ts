/**
 * The lock of a live run folder, `<run>/lock.json`: which process (pid, host, start time, command)
 * is writing the run. The trainer holds it from before it changes anything in the folder until the
 * run ends; readers (the extension, a second trainer) ask whether its owner is still alive.
 * tfjs-free: both sides use it.
 *
 * An owner on this host that no longer exists (ESRCH), or that started before this machine last
 * booted, is gone: its lock is stale and the next trainer takes it over. A lock of another host
 * cannot be checked from here, so it counts as live. A pid reused by an unrelated process within
 * one boot still reads as live (the error names the pid and the file to delete).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { DtnError } from '../errors';
import { RUN_FILES } from './runLayout';

const RunLockSchema = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  /** ISO time the lock was taken. */
  startedAt: z.string(),
  /** The owner's process.argv (node, script, arguments), for people and the Stop action's check. */
  command: z.array(z.string()),
});
export type RunLockInfo = z.infer<typeof RunLockSchema>;

export function lockPath(runDir: string): string {
  return path.join(runDir, RUN_FILES.lock);
}

/** The lock as read: absent, unparsable (a damaged file), or its content and raw text. */
export type LockRead = { kind: 'none' } | { kind: 'unparsable'; text: string } | { kind: 'lock'; lock: RunLockInfo; text: string };

export function readRunLock(runDir: string): LockRead {
  let text: string;
  try {
    text = fs.readFileSync(lockPath(runDir), 'utf8');
  } catch {
    return { kind: 'none' };
  }
  try {
    const r = RunLockSchema.safeParse(JSON.parse(text));
    return r.success ? { kind: 'lock', lock: r.data, text } : { kind: 'unparsable', text };
  } catch {
    return { kind: 'unparsable', text };
  }
}

/** Whether a process with this pid exists here (EPERM: it does, owned by another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When this machine last booted: a lock taken before then has no owner, whatever its pid now is. */
function bootTime(): number {
  return Date.now() - os.uptime() * 1000;
}

export type LockOwner = 'alive' | 'dead' | 'other-host';

export function lockOwner(lock: RunLockInfo): LockOwner {
  if (lock.hostname !== os.hostname()) return 'other-host';
  const started = Date.parse(lock.startedAt);
  // A minute of slack: uptime and the wall clock drift apart.
  if (Number.isFinite(started) && started < bootTime() - 60_000) return 'dead';
  return pidAlive(lock.pid) ? 'alive' : 'dead';
}

/** Who holds the folder: nobody, a live owner (here or on another host), or a stale lock. */
export type LockState =
  { kind: 'free' } | { kind: 'live'; lock: RunLockInfo; here: boolean } | { kind: 'stale'; lock?: RunLockInfo; text: string; why: string };

export function runLockState(runDir: string): LockState {
  const r = readRunLock(runDir);
  if (r.kind === 'none') return { kind: 'free' };
  if (r.kind === 'unparsable') return { kind: 'stale', text: r.text, why: 'the lock file is not readable' };
  const owner = lockOwner(r.lock);
  if (owner === 'dead') return { kind: 'stale', lock: r.lock, text: r.text, why: `process ${r.lock.pid} is no longer running` };
  return { kind: 'live', lock: r.lock, here: owner === 'alive' };
}

/** A held lock: release() removes the file if it is still ours (idempotent). */
export interface RunLock {
  readonly runDir: string;
  readonly info: RunLockInfo;
  release(): void;
}

export interface AcquireOptions {
  /** Told when a stale lock is taken over. */
  warn?: (message: string) => void;
  /** process.argv by default. */
  command?: string[];
}

/**
 * Takes the lock of an existing folder: created whole and exclusively (a temporary file linked to
 * lock.json, which fails if one exists), so a reader never sees a half-written lock. A stale lock
 * is taken over (with a warning); a live one is a RUN_BUSY error.
 */
export function acquireRunLock(runDir: string, opts: AcquireOptions = {}): RunLock {
  const file = lockPath(runDir);
  const info: RunLockInfo = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    command: opts.command ?? process.argv,
  };
  const text = `${JSON.stringify(info, null, 2)}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(file, text)) return held(runDir, info, text);
    const state = runLockState(runDir);
    if (state.kind === 'free') continue; // released meanwhile
    if (state.kind === 'live') throw busyError(runDir, state.lock, state.here);
    if (takeOver(file, state.text)) {
      const who = state.lock ? `process ${state.lock.pid} on ${state.lock.hostname}, since ${state.lock.startedAt}` : 'unknown owner';
      opts.warn?.(`took over the stale lock of ${runDir} (${who}): ${state.why}`);
    }
  }
  const now = readRunLock(runDir);
  throw busyError(runDir, now.kind === 'lock' ? now.lock : undefined, true);
}

/** true: created; false: a lock exists. */
function createExclusive(file: string, text: string): boolean {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: O_EXCL directly (a reader may then, for an instant, see it empty).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createWithOExcl(file, text);
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function createWithOExcl(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * Moves the stale lock aside, then checks that what moved is what was judged stale: if another
 * trainer replaced it in between, its live lock is put back (and this attempt starts over).
 */
function takeOver(file: string, staleText: string): boolean {
  // One taker at a time: moving a lock aside and back (to check it) let a third process create one in
  // between, so two could end up holding the folder. The guard makes check-and-remove one step.
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, `${process.pid}\n`)) {
    clearAbandonedGuard(guard);
    return false;
  }
  try {
    let current: string | undefined;
    try {
      current = fs.readFileSync(file, 'utf8');
    } catch {
      current = undefined; // released or taken over meanwhile
    }
    if (current !== staleText) return false;
    fs.rmSync(file, { force: true });
    return true;
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

/** A guard left by a taker that died mid-takeover (it holds it for microseconds) is removed. */
function clearAbandonedGuard(guard: string): void {
  try {
    if (Date.now() - fs.statSync(guard).mtimeMs > 10_000) fs.rmSync(guard, { force: true });
  } catch {
    // gone already
  }
}

function held(runDir: string, info: RunLockInfo, text: string): RunLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    const now = readRunLock(runDir);
    // Only our own lock: after a takeover by another process the file is theirs.
    if (now.kind === 'lock' && now.text === text) fs.rmSync(lockPath(runDir), { force: true });
  };
  // process.exit (a second Ctrl-C, an error exit) skips finally blocks: release on the way out.
  process.on('exit', release);
  return { runDir, info, release };
}

function busyError(runDir: string, lock: RunLockInfo | undefined, here: boolean): DtnError {
  const file = lockPath(runDir);
  const who = lock ? `process ${lock.pid} on ${lock.hostname} (since ${lock.startedAt}: ${commandLine(lock)})` : 'another process';
  const fix = here
    ? `Wait for that run to end or stop it (kill -TERM ${lock?.pid ?? '<pid>'} checkpoints and stops it), or use another --run-dir. ` +
      `If process ${lock?.pid ?? '<pid>'} is not a dtn trainer, delete ${file}.`
    : `Stop that run on ${lock?.hostname ?? 'its host'}, or use another --run-dir. If it is no longer running there, delete ${file}.`;
  return new DtnError('RUN_BUSY', `${runDir} is in use by ${who}`, { file, fix });
}

/** The owner's command without the Node binary, for messages. */
export function commandLine(lock: RunLockInfo): string {
  const [, script, ...args] = lock.command;
  return [script ? path.basename(script) : '', ...args].join(' ').trim() || '(unknown command)';
}

/** What signalling a run's owner did. */
export type StopOwnerResult =
  | { kind: 'signalled'; pid: number }
  | { kind: 'not-running' }
  | { kind: 'other-host'; hostname: string }
  | { kind: 'not-trainer'; pid: number };

/**
 * Sends SIGTERM (the trainer checkpoints and stops) to the live owner of a run on this host.
 * Where the process table can be read (Linux), the pid must still run the program that took the
 * lock: a reused pid is never signalled.
 */
export function stopRunOwner(
  runDir: string,
  kill: (pid: number, signal: NodeJS.Signals) => void = (pid, signal) => void process.kill(pid, signal),
): StopOwnerResult {
  const state = runLockState(runDir);
  if (state.kind !== 'live') return { kind: 'not-running' };
  if (!state.here) return { kind: 'other-host', hostname: state.lock.hostname };
  const { pid } = state.lock;
  if (!runsSameProgram(state.lock)) return { kind: 'not-trainer', pid };
  kill(pid, 'SIGTERM');
  return { kind: 'signalled', pid };
}

function runsSameProgram(lock: RunLockInfo): boolean {
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${lock.pid}/cmdline`, 'utf8');
  } catch {
    return true; // no /proc here: the pid check is all there is
  }
  const script = lock.command[1];
  return !script || cmdline.includes(path.basename(script));
}
