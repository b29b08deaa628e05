/**
 * Rate bounds between a fast producer (the trainer, a file tailer) and a webview: UI messages go
 * out at most once per interval, carrying everything gathered since the last one, so a fast run
 * never floods a panel and nothing is lost.
 */
export class BatchingThrottle<T> {
  private pending: T[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly flushTo: (items: T[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  push(...items: T[]): void {
    this.pending.push(...items);
    if (this.timer) return;
    const wait = this.lastFlush + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is pending now (also used before a reset so no item crosses into another run). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.lastFlush = this.now();
    this.flushTo(items);
  }

  /** Drops what is pending (the panel switched runs). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }

  dispose(): void {
    this.clear();
  }
}

/** Keeps only the newest value: for things where an intermediate state is worthless. */
export class LatestThrottle<T> {
  private readonly inner: BatchingThrottle<T>;
  constructor(intervalMs: number, deliver: (latest: T) => void, now?: () => number) {
    this.inner = new BatchingThrottle<T>(intervalMs, (items) => deliver(items[items.length - 1]), now);
  }
  push(value: T): void {
    this.inner.push(value);
  }
  flush(): void {
    this.inner.flush();
  }
  dispose(): void {
    this.inner.dispose();
  }
}
