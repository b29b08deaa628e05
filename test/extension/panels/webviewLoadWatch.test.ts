import { strict as assert } from 'node:assert';
import { WebviewLoadWatch, type LoadWatchOptions } from '../../../src/extension/panels/webviewLoadWatch';

/** A clock that runs timers only when told to advance. */
class FakeClock {
  now = 0;
  private pending: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  readonly timers = {
    set: (fn: () => void, ms: number) => {
      const id = this.next++;
      this.pending.push({ at: this.now + ms, fn, id });
      return id;
    },
    clear: (id: unknown) => {
      this.pending = this.pending.filter((t) => t.id !== id);
    },
  };

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.pending.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.pending = this.pending.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = until;
  }

  get armed(): number {
    return this.pending.length;
  }
}

describe('WebviewLoadWatch', () => {
  function watch(extra: Partial<LoadWatchOptions> = {}) {
    const clock = new FakeClock();
    const state = { reloads: 0, visible: true, logs: [] as string[] };
    const w = new WebviewLoadWatch({
      reload: () => state.reloads++,
      visible: () => state.visible,
      log: (t) => state.logs.push(t),
      timeoutMs: 1000,
      retries: 2,
      timers: clock.timers,
      ...extra,
    });
    return { clock, state, w };
  }

  it('a page that says ready in time is never reloaded', () => {
    const { clock, state, w } = watch();
    clock.advance(999);
    w.ready();
    clock.advance(10_000);
    assert.equal(state.reloads, 0);
    assert.equal(clock.armed, 0, 'no timer left behind');
  });

  it('a blank page is loaded again after the timeout, until it says ready', () => {
    const { clock, state, w } = watch();
    clock.advance(1000);
    assert.equal(state.reloads, 1);
    assert.match(state.logs[0], /loading it again/);
    w.ready();
    clock.advance(10_000);
    assert.equal(state.reloads, 1);
  });

  it('gives up after its retries and tells the user once, naming what they can do', () => {
    const warnings: string[] = [];
    const { clock, state } = watch({ warn: (t) => warnings.push(t) });
    clock.advance(60_000);
    assert.equal(state.reloads, 2);
    assert.equal(state.logs.length, 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /did not load after 3 tries; close the panel and open it again/);
    assert.equal(clock.armed, 0);
  });

  it('time while the panel is hidden does not count: a hidden webview does not load', () => {
    const { clock, state } = watch();
    state.visible = false;
    clock.advance(30_000);
    assert.equal(state.reloads, 0);
    state.visible = true;
    clock.advance(1000);
    assert.equal(state.reloads, 1);
  });

  it('dispose stops the watch', () => {
    const { clock, state, w } = watch();
    w.dispose();
    clock.advance(10_000);
    assert.equal(state.reloads, 0);
    assert.equal(clock.armed, 0);
  });
});
