/**
 * One run of a sweep: `dtn train … --json --host-stdin` in a child process, as the extension runs
 * it. Its protocol lines (stdout) are the progress; `stop` on its stdin makes it checkpoint and
 * exit. The child gets its own process group, so a Ctrl-C in the terminal reaches only the sweep,
 * which then stops each child once (a second signal would make a trainer exit without its
 * checkpoint); if the sweep dies, the child's stdin closes and `--host-stdin` stops it cleanly.
 */
import { spawn } from 'node:child_process';
import type { ErrorCode } from '../../shared/errors';
import { parseTrainerLine, type HostCommand, type TrainerMessage } from '../../shared/protocol';

export type ChildOutcome =
  { kind: 'completed' | 'stopped'; step: number } | { kind: 'failed'; step?: number; code: ErrorCode; message: string };

export interface ChildRun {
  readonly pid: number | undefined;
  /** Asks the trainer to checkpoint and exit; asked again, it exits at once (resumable from its last checkpoint). */
  stop(): void;
  readonly outcome: Promise<ChildOutcome>;
}

/** The last lines of a failed child's stderr say why it failed when it sent no `error` line. */
const STDERR_TAIL = 2000;

export function startChildRun(opts: {
  /** The `dtn` CLI script (this process's own). */
  cli: string;
  args: string[];
  cwd: string;
  onMessage: (msg: TrainerMessage) => void;
}): ChildRun {
  const child = spawn(process.execPath, [...process.execArgv, opts.cli, ...opts.args], {
    cwd: opts.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  let pending = '';
  let stderr = '';
  let done: Extract<TrainerMessage, { type: 'done' }> | undefined;
  let error: Extract<TrainerMessage, { type: 'error' }> | undefined;
  let lastStep: number | undefined;
  let stopSent = false;
  const onLine = (line: string) => {
    const msg = parseTrainerLine(line);
    if (!msg) return; // not the protocol (a library's stray print): nothing to act on
    if (msg.type === 'done') done = msg;
    if (msg.type === 'error') error = msg;
    if (msg.type === 'started') lastStep = msg.startStep;
    if (msg.type === 'metrics') lastStep = msg.record.step;
    opts.onMessage(msg);
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.trim()) onLine(line);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  // The child may be gone before it reads a command.
  child.stdin.on('error', () => undefined);
  const send = (cmd: HostCommand) => {
    if (child.stdin.writable) child.stdin.write(`${JSON.stringify(cmd)}\n`);
  };
  const outcome = new Promise<ChildOutcome>((resolve) => {
    child.on('error', (err) => resolve({ kind: 'failed', code: 'INTERNAL', message: `could not start the trainer: ${err.message}` }));
    child.on('close', (status, signal) => {
      if (pending.trim()) onLine(pending);
      if (done) return resolve({ kind: done.reason, step: done.step });
      if (error) return resolve({ kind: 'failed', step: lastStep, code: error.code, message: error.message });
      // Killed after we asked it to stop (a second stop exits at once): stopped, resumable from its last checkpoint.
      if (stopSent && (status === 130 || signal !== null)) return resolve({ kind: 'stopped', step: lastStep ?? 0 });
      const how = signal ? `was killed by ${signal}` : `exited with status ${status}`;
      const why = stderr.trim().split('\n').slice(-3).join(' | ');
      resolve({ kind: 'failed', step: lastStep, code: 'INTERNAL', message: `the trainer ${how}${why ? `: ${why}` : ''}` });
    });
  });
  return {
    pid: child.pid,
    stop() {
      stopSent = true;
      send({ type: 'stop' });
    },
    outcome,
  };
}
