/**
 * Reloads a webview whose page never said `ready`. In VS Code for the web a webview can stay blank
 * when its service worker fails to register (microsoft/vscode#125993); assigning its HTML again
 * loads it anew. Time only counts while the panel is visible: a hidden webview does not load.
 */

export interface LoadWatchOptions {
  /** Assigns the webview's HTML again. */
  reload: () => void;
  visible: () => boolean;
  log: (text: string) => void;
  /** Tells the user when the watch gives up (default: log). */
  warn?: (text: string) => void;
  /** How long a visible webview may take to say `ready`. */
  timeoutMs?: number;
  /** Reloads before giving up (and saying so once). */
  retries?: number;
  /** Timers (tests pass their own clock). */
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
}

export class WebviewLoadWatch {
  private handle: unknown;
  private reloads = 0;
  private done = false;
  private readonly timers: NonNullable<LoadWatchOptions['timers']>;

  constructor(private readonly opts: LoadWatchOptions) {
    this.timers = opts.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.arm();
  }

  /** The page said `ready`: nothing more to watch until the next load. */
  ready(): void {
    this.done = true;
    this.stop();
  }

  dispose(): void {
    this.done = true;
    this.stop();
  }

  private arm(): void {
    this.stop();
    this.handle = this.timers.set(() => this.expired(), this.opts.timeoutMs ?? 8000);
  }

  private stop(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
  }

  private expired(): void {
    this.handle = undefined;
    if (this.done) return;
    if (!this.opts.visible()) return this.arm();
    if (this.reloads >= (this.opts.retries ?? 2)) {
      this.done = true;
      (this.opts.warn ?? this.opts.log)(`the webview did not load after ${this.reloads + 1} tries; close the panel and open it again`);
      return;
    }
    this.reloads++;
    this.opts.log(`the webview had not loaded; loading it again (try ${this.reloads + 1})`);
    this.opts.reload();
    this.arm();
  }
}
