import * as assert from 'node:assert/strict';
import { BatchingThrottle, LatestThrottle } from '../../../src/extension/util/rateLimit';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rate limits between the trainer and the webviews', () => {
  it('sends the first item at once, then batches a burst into one message per interval', async () => {
    const flushed: number[][] = [];
    const t = new BatchingThrottle<number>(60, (items) => flushed.push(items));
    t.push(1);
    assert.deepEqual(flushed, [[1]]);
    for (let i = 2; i <= 50; i++) t.push(i);
    assert.equal(flushed.length, 1, 'nothing more within the interval');
    await sleep(100);
    assert.equal(flushed.length, 2);
    assert.equal(flushed[1].length, 49, 'nothing lost');
    assert.deepEqual(
      flushed.flat(),
      Array.from({ length: 50 }, (_, i) => i + 1),
      'order kept',
    );
    t.dispose();
  });

  it('bounds the message rate under a steady flood', async () => {
    let messages = 0;
    const t = new BatchingThrottle<number>(50, () => messages++);
    const start = Date.now();
    while (Date.now() - start < 300) {
      t.push(1);
      await sleep(2);
    }
    t.flush();
    // 300 ms at <= 1 per 50 ms: about 7, never one per push (~100+)
    assert.ok(messages <= 9, `${messages} messages`);
    t.dispose();
  });

  it('clear drops pending items (the panel switched runs)', async () => {
    const flushed: number[][] = [];
    const t = new BatchingThrottle<number>(40, (items) => flushed.push(items));
    t.push(1);
    t.push(2, 3);
    t.clear();
    await sleep(80);
    assert.deepEqual(flushed, [[1]]);
  });

  it('LatestThrottle delivers only the newest value of a burst', async () => {
    const got: string[] = [];
    const t = new LatestThrottle<string>(40, (v) => got.push(v));
    t.push('a');
    t.push('b');
    t.push('c');
    await sleep(80);
    assert.deepEqual(got, ['a', 'c']);
    t.dispose();
  });
});
