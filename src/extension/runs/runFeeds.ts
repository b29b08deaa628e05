/** One RunTailer per run folder, shared by the panels that show it; released when the last one closes. */
import * as path from 'node:path';
import { RunTailer } from './runTailer';

export interface RunFeedLease {
  readonly tailer: RunTailer;
  release(): void;
}

export class RunFeeds {
  private readonly feeds = new Map<string, { tailer: RunTailer; users: number }>();

  constructor(private readonly pollMs = 1000) {}

  acquire(runDir: string): RunFeedLease {
    const key = path.resolve(runDir);
    let feed = this.feeds.get(key);
    if (!feed) {
      feed = { tailer: new RunTailer(key, this.pollMs), users: 0 };
      feed.tailer.start();
      this.feeds.set(key, feed);
    }
    feed.users++;
    const f = feed;
    let released = false;
    return {
      tailer: f.tailer,
      release: () => {
        if (released) return;
        released = true;
        if (--f.users === 0) {
          f.tailer.dispose();
          this.feeds.delete(key);
        }
      },
    };
  }

  /** The trainer wrote something to this run: read it now rather than at the next poll. */
  poke(runDir: string): void {
    this.feeds.get(path.resolve(runDir))?.tailer.poke();
  }

  dispose(): void {
    for (const f of this.feeds.values()) f.tailer.dispose();
    this.feeds.clear();
  }
}
