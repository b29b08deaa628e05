/**
 * Keeps one `dtn serve` warm for the chosen checkpoint: started on first use, reused while in use,
 * ended after `idleMs` without a request, when another checkpoint is asked for, or on dispose.
 * The process and the clock are injected, so the policy is tested with fakes.
 */

/** What the policy needs of a TranslateClient. */
export interface ServeClient {
  readonly exited: Promise<unknown>;
  shutdown(): Promise<unknown>;
  kill(): void;
}

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** How long a server asked to shut down may take before it is killed. */
export const SHUTDOWN_GRACE_MS = 5000;

export class WarmTranslator<C extends ServeClient> {
  private current: { checkpoint: string; client: C } | undefined;
  private inUse = 0;
  private idleTimer: unknown;
  /** Servers started so far (a second image on the same checkpoint must not add one). */
  starts = 0;

  constructor(
    private readonly start: (checkpoint: string) => C,
    private readonly idleMs: () => number,
    private readonly clock: Clock = realClock,
  ) {}

  /** The checkpoint the warm server holds, if one is running. */
  get checkpoint(): string | undefined {
    return this.current?.checkpoint;
  }

  /** Runs `fn` with the server for `checkpoint` (starting it, or replacing one for another checkpoint). */
  async use<T>(checkpoint: string, fn: (client: C) => Promise<T>): Promise<T> {
    if (this.current && this.current.checkpoint !== checkpoint) this.retire();
    if (!this.current) {
      const client = this.start(checkpoint);
      this.starts++;
      const held = { checkpoint, client };
      this.current = held;
      // A server that dies on its own (crash, failed start) is forgotten: the next use starts afresh.
      void client.exited.then(() => this.current === held && this.forget());
    }
    const { client } = this.current;
    this.inUse++;
    this.disarm();
    try {
      return await fn(client);
    } finally {
      this.inUse--;
      if (this.inUse === 0 && this.current?.client === client) this.arm();
    }
  }

  /** Ends the server now (a changed checkpoint or setting, deactivation); resolves once it has gone. */
  async stop(): Promise<void> {
    const client = this.retire();
    if (client) await client.exited;
  }

  dispose(): Promise<void> {
    return this.stop();
  }

  private arm(): void {
    this.disarm();
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.inUse === 0) this.retire();
    }, this.idleMs());
  }

  private disarm(): void {
    if (this.idleTimer !== undefined) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private forget(): void {
    this.disarm();
    this.current = undefined;
  }

  /** Asks the server to finish what it was sent and exit; kills it if it has not within the grace time. */
  private retire(): C | undefined {
    const client = this.current?.client;
    this.forget();
    if (!client) return undefined;
    const killer = this.clock.setTimeout(() => client.kill(), SHUTDOWN_GRACE_MS);
    void client.exited.then(() => this.clock.clearTimeout(killer));
    void client.shutdown().catch(() => client.kill());
    return client;
  }
}
