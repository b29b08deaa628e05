/** The warm translator's policy with a fake server and a fake clock: reuse, idle end, checkpoint change, crash. */
import * as assert from 'node:assert/strict';
import { SHUTDOWN_GRACE_MS, WarmTranslator, type Clock, type ServeClient } from '../../../src/extension/translate/warmTranslator';

class FakeClient implements ServeClient {
  shutdowns = 0;
  killed = false;
  private onExit!: () => void;
  readonly exited = new Promise<void>((r) => (this.onExit = r));
  constructor(
    readonly checkpoint: string,
    private readonly obeys = true,
  ) {}
  async shutdown() {
    this.shutdowns++;
    if (this.obeys) this.exit();
  }
  kill() {
    this.killed = true;
    this.exit();
  }
  exit() {
    this.onExit();
  }
}

class FakeClock implements Clock {
  now = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  setTimeout(fn: () => void, ms: number) {
    this.timers.set(this.next, { at: this.now + ms, fn });
    return this.next++;
  }
  clearTimeout(h: unknown) {
    this.timers.delete(h as number);
  }
  advance(ms: number) {
    this.now += ms;
    for (const [h, t] of [...this.timers].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= this.now && this.timers.delete(h)) t.fn();
    }
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('WarmTranslator', () => {
  let clock: FakeClock;
  let clients: FakeClient[];
  let warm: WarmTranslator<FakeClient>;
  let obeys: boolean;
  beforeEach(() => {
    clock = new FakeClock();
    clients = [];
    obeys = true;
    warm = new WarmTranslator(
      (ckpt) => (clients.push(new FakeClient(ckpt, obeys)), clients.at(-1)!),
      () => 300_000,
      clock,
    );
  });

  it('the second image reuses the warm server; idle time ends it; the next use starts another', async () => {
    await warm.use('/c1', async () => undefined);
    clock.advance(200_000);
    await warm.use('/c1', async () => undefined);
    assert.equal(warm.starts, 1);
    clock.advance(200_000); // 200 s since the last use: still warm
    assert.equal(clients[0].shutdowns, 0);
    clock.advance(100_000);
    assert.equal(clients[0].shutdowns, 1);
    await tick();
    assert.equal(warm.checkpoint, undefined);
    await warm.use('/c1', async () => undefined);
    assert.equal(warm.starts, 2);
  });

  it('never ends a server while a request is in flight', async () => {
    let finish!: () => void;
    const long = warm.use('/c1', () => new Promise<void>((r) => (finish = r)));
    clock.advance(10 * 300_000);
    assert.equal(clients[0].shutdowns, 0);
    finish();
    await long;
    clock.advance(300_000);
    assert.equal(clients[0].shutdowns, 1);
  });

  it('another checkpoint replaces the server; one that ignores shutdown is killed after the grace time', async () => {
    obeys = false;
    await warm.use('/c1', async () => undefined);
    await warm.use('/c2', async (c) => assert.equal(c.checkpoint, '/c2'));
    assert.equal(clients[0].shutdowns, 1);
    assert.equal(clients[0].killed, false);
    clock.advance(SHUTDOWN_GRACE_MS);
    assert.equal(clients[0].killed, true);
    assert.equal(warm.checkpoint, '/c2');
  });

  it('a server that exits on its own is forgotten; stop ends the current one', async () => {
    await warm.use('/c1', async () => undefined);
    clients[0].exit();
    await tick();
    assert.equal(warm.checkpoint, undefined);
    await warm.use('/c1', async () => undefined);
    assert.equal(warm.starts, 2);
    await warm.stop();
    assert.equal(clients[1].shutdowns, 1);
    assert.equal(warm.checkpoint, undefined);
  });
});
