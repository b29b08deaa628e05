/**
 * One trainer child process speaking the NDJSON protocol of src/shared/protocol: messages from
 * stdout lines, commands to stdin. Knows nothing of VS Code, so it is tested against the real
 * trainer with mocha. Never blocks: everything is event driven.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as readline from 'node:readline';
import { parseTrainerLine, type HostCommand, type TrainerMessage, type TrainerMessageOf } from '../../shared/protocol';
import { Emitter } from '../util/emitter';
import type { TrainerLaunch } from './trainerLaunch';

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Stop was asked for (Stop command, window closing, deactivation). */
  stopRequested: boolean;
  /** The trainer said it finished (completed, or stopped after writing a checkpoint). */
  done?: TrainerMessageOf<'done'>;
  /** The trainer's own account of a failure, when it gave one. */
  error?: TrainerMessageOf<'error'>;
  /** Exited without `done`: an error, a crash, a kill. */
  crashed: boolean;
  /** One line a person can act on. */
  cause: string;
  stderrTail: string[];
}

export type LogLine = { stream: 'stdout' | 'stderr' | 'host'; text: string };

const STDERR_TAIL = 40;

export class TrainerProcess {
  private readonly child: ChildProcess;
  private readonly messageEmitter = new Emitter<TrainerMessage>();
  private readonly logEmitter = new Emitter<LogLine>();
  private readonly messages: TrainerMessage[] = [];
  private readonly stderrTail: string[] = [];
  private stopRequested = false;
  private spawnError: Error | undefined;
  private exitInfo: TrainerExit | undefined;

  /** Every valid protocol message, in the order the trainer wrote them. */
  readonly onMessage = this.messageEmitter.event;
  /** Lines for the output channel: stderr, stdout that is not protocol, and host notes. */
  readonly onLog = this.logEmitter.event;
  /** Resolves once, after the process has exited and its stdout has been fully read. */
  readonly exited: Promise<TrainerExit>;

  constructor(readonly launch: TrainerLaunch) {
    this.child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    // A trainer that dies before reading stdin must not crash the host with EPIPE.
    this.child.stdin?.on('error', () => undefined);

    const stdoutDone = new Promise<void>((resolve) => {
      const rl = readline.createInterface({ input: this.child.stdout! });
      rl.on('line', (line) => this.onStdoutLine(line));
      rl.on('close', resolve);
    });
    const stderrDone = new Promise<void>((resolve) => {
      const rl = readline.createInterface({ input: this.child.stderr! });
      rl.on('line', (line) => {
        this.stderrTail.push(line);
        if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
        this.logEmitter.fire({ stream: 'stderr', text: line });
      });
      rl.on('close', resolve);
    });
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      this.child.on('error', (err) => {
        // spawn failed (ENOENT, EACCES): no 'exit' follows, 'close' does.
        this.spawnError = err;
      });
      this.child.on('close', (code, signal) => resolve({ code, signal }));
    });
    this.exited = Promise.all([closed, stdoutDone, stderrDone]).then(([c]) => {
      this.exitInfo = this.describeExit(c.code, c.signal);
      return this.exitInfo;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Messages received so far (a panel opened mid-run catches up from here). */
  history(): readonly TrainerMessage[] {
    return this.messages;
  }

  send(cmd: HostCommand): boolean {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable) return false;
    stdin.write(`${JSON.stringify(cmd)}\n`);
    return true;
  }

  /**
   * Asks the trainer to finish its step, write a checkpoint and exit. Escalates to SIGTERM (which
   * the trainer also treats as a clean stop) and finally SIGKILL if it does not exit in time.
   */
  stop(graceMs = 60_000): Promise<TrainerExit> {
    if (!this.running) return this.exited;
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.note('stop requested: the trainer finishes its step and writes a checkpoint');
      if (!this.send({ type: 'stop' })) this.child.kill('SIGTERM');
      const term = setTimeout(() => {
        this.note(`no exit after ${graceMs} ms: sending SIGTERM`);
        this.child.kill('SIGTERM');
      }, graceMs);
      const kill = setTimeout(() => {
        this.note('still running: sending SIGKILL (no checkpoint for the current step)');
        this.child.kill('SIGKILL');
      }, graceMs + 10_000);
      void this.exited.finally(() => {
        clearTimeout(term);
        clearTimeout(kill);
      });
    }
    return this.exited;
  }

  /** Immediate kill, for tests and hung processes. */
  kill(): void {
    this.stopRequested = true;
    this.child.kill('SIGKILL');
  }

  private note(text: string): void {
    this.logEmitter.fire({ stream: 'host', text });
  }

  private onStdoutLine(line: string): void {
    const msg = parseTrainerLine(line);
    if (!msg) {
      // Not protocol (a native library printing, a malformed line): keep it visible in the log.
      if (line.trim()) this.logEmitter.fire({ stream: 'stdout', text: line });
      return;
    }
    this.messages.push(msg);
    this.messageEmitter.fire(msg);
  }

  private describeExit(code: number | null, signal: NodeJS.Signals | null): TrainerExit {
    const done = [...this.messages].reverse().find((m): m is TrainerMessageOf<'done'> => m.type === 'done');
    const error = [...this.messages].reverse().find((m): m is TrainerMessageOf<'error'> => m.type === 'error');
    const crashed = !done || (code !== 0 && code !== null);
    let cause: string;
    if (this.spawnError) cause = `could not start the trainer: ${this.spawnError.message}`;
    else if (error) cause = error.fix && !error.message.includes(error.fix) ? `${error.message} (${error.fix})` : error.message;
    else if (!crashed) cause = done!.reason === 'completed' ? `completed at step ${done!.step}` : `stopped at step ${done!.step}`;
    else if (signal) cause = `the trainer was killed by ${signal}${this.stopRequested ? ' while stopping' : ''}`;
    else {
      const lastErr = [...this.stderrTail].reverse().find((l) => l.trim());
      cause = `the trainer exited with code ${code}${lastErr ? `: ${lastErr.trim()}` : ''}`;
    }
    return { code, signal, stopRequested: this.stopRequested, done, error, crashed, cause, stderrTail: [...this.stderrTail] };
  }

  dispose(): void {
    this.messageEmitter.dispose();
    this.logEmitter.dispose();
  }
}
