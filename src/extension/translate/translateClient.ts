/**
 * The extension's side of `dtn serve`: spawns the warm translator (launched like the trainer, see
 * trainerLaunch), sends typed requests and resolves each with the response that carries its id.
 * No vscode import, so it is tested with mocha against the real CLI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { DtnError, type ErrorCode } from '../../shared/errors';
import {
  parseServeResponse,
  type RequestId,
  type ServeRequest,
  type ServeResponse,
  ServeRequestSchema,
} from '../../shared/translateProtocol';
import type { TrainerLaunch } from '../trainer/trainerLaunch';

type Ready = Extract<ServeResponse, { type: 'ready' }>;
type AnswerType = { ping: 'pong'; shutdown: 'bye'; translate: 'translate-done' };
type Answer<T extends ServeRequest['type']> = Extract<ServeResponse, { type: AnswerType[T] }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A request the server refused, or the server gone before it answered. */
export class TranslateRequestError extends DtnError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'TranslateRequestError';
  }
}

export class TranslateClient {
  private readonly child: ChildProcess;
  private readonly pending = new Map<RequestId, { resolve: (r: ServeResponse) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private exitError: TranslateRequestError | undefined;
  private readonly stderrTail: string[] = [];
  /** Resolves once the checkpoint is loaded; rejects if the server fails to start. */
  readonly ready: Promise<Ready>;
  /** Resolves with the exit code once the process has gone. */
  readonly exited: Promise<number | null>;

  constructor(launch: TrainerLaunch) {
    const { command, args, cwd, env } = launch;
    this.child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child.stdin?.on('error', () => undefined);
    let onReady!: (r: Ready) => void;
    let onFail!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => ((onReady = resolve), (onFail = reject)));
    // Nobody may await `ready` (requests queue anyway); a failed start still rejects those requests.
    this.ready.catch(() => undefined);
    let startError: TranslateRequestError | undefined;
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const msg = parseServeResponse(line);
      if (!msg) return;
      if (msg.type === 'ready') onReady(msg);
      else if (msg.type === 'error') startError = new TranslateRequestError(msg.code, msg.message);
      else if (msg.id !== null) this.settle(msg.id, msg);
    });
    readline.createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => (startError ??= new TranslateRequestError('INTERNAL', `could not start dtn serve: ${err.message}`)));
      this.child.on('close', (code) => {
        const last = this.stderrTail.filter((l) => l.trim()).at(-1);
        const why = `dtn serve exited (code ${code})${last ? `: ${last.trim()}` : ''}`;
        this.exitError = startError ?? new TranslateRequestError('INTERNAL', why);
        onFail(this.exitError);
        for (const p of this.pending.values()) p.reject(this.exitError);
        this.pending.clear();
        resolve(code);
      });
    });
  }

  /** Sends one request (an id is added) and resolves with its answer; a refused request rejects. */
  request<R extends DistributiveOmit<ServeRequest, 'id'>>(req: R): Promise<Answer<R['type']>> {
    const full = ServeRequestSchema.parse({ ...req, id: this.nextId++ });
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise<ServeResponse>((resolve, reject) => {
      this.pending.set(full.id, { resolve, reject });
      this.child.stdin!.write(`${JSON.stringify(full)}\n`);
    }).then((r) => r as Answer<R['type']>);
  }

  /**
   * Translates files and folders (paths resolved here: the server's working folder may differ);
   * `modelInput` also writes each input as the model sees it.
   */
  translate(inputs: string[], out: string, scale?: number, modelInput?: boolean) {
    const abs = inputs.map((p) => path.resolve(p));
    const extra = { ...(scale ? { scale } : {}), ...(modelInput ? { modelInput } : {}) };
    return this.request({ type: 'translate', inputs: abs, out: path.resolve(out), ...extra });
  }

  ping() {
    return this.request({ type: 'ping' });
  }

  /** Asks the server to stop and waits for it to exit. */
  async shutdown(): Promise<number | null> {
    if (!this.exitError) await this.request({ type: 'shutdown' }).catch(() => undefined);
    this.child.stdin?.end();
    return this.exited;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  private settle(id: RequestId, msg: ServeResponse): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (msg.type === 'request-error') p.reject(new TranslateRequestError(msg.code, msg.message));
    else p.resolve(msg);
  }
}
