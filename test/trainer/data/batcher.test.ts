import { strict as assert } from 'node:assert';
import { Batcher, gather, gatherLabels } from '../../../src/trainer/data/batcher';
import { ImageSet } from '../../../src/trainer/data/imageSet';

describe('Batcher', () => {
  it('walks a full permutation per epoch, reshuffling at the end', () => {
    const b = new Batcher(10, 5, 42);
    const e1 = [...b.next(), ...b.next()];
    const e2 = [...b.next(), ...b.next()];
    assert.deepEqual(
      [...e1].sort((x, y) => x - y),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(
      [...e2].sort((x, y) => x - y),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.notDeepEqual(e1, e2);
    assert.equal(b.state().epoch, 1);
    b.next();
    assert.equal(b.state().epoch, 2);
  });

  it('fills batches across epoch ends and with batchSize > count', () => {
    const b = new Batcher(7, 3, 1);
    const seq = Array.from({ length: 7 }, () => [...b.next()]).flat();
    for (let e = 0; e < 3; e++) assert.deepEqual(seq.slice(e * 7, e * 7 + 7).sort(), [0, 1, 2, 3, 4, 5, 6]);
    const big = new Batcher(3, 8, 1).next();
    assert.equal(big.length, 8);
    assert.deepEqual([...big.subarray(0, 3)].sort(), [0, 1, 2]);
  });

  it('is deterministic per seed and differs between seeds', () => {
    assert.deepEqual(new Batcher(100, 10, 5).next(), new Batcher(100, 10, 5).next());
    assert.notDeepEqual(new Batcher(100, 10, 5).next(), new Batcher(100, 10, 6).next());
  });

  it('restores from a JSON round-trip to the exact continuation, mid-epoch and at epoch ends', () => {
    for (const stopAfter of [0, 1, 3, 4, 9, 17]) {
      const run = new Batcher(23, 6, 777);
      for (let i = 0; i < stopAfter; i++) run.next();
      const saved = JSON.parse(JSON.stringify(run.state()));
      const resumed = Batcher.restore(saved);
      for (let i = 0; i < 12; i++) assert.deepEqual(resumed.next(), run.next(), `stopAfter ${stopAfter}, batch ${i}`);
      assert.deepEqual(resumed.state(), run.state());
    }
  });

  it('rejects bad arguments', () => {
    assert.throws(() => new Batcher(0, 4, 1), /positive image count/);
    assert.throws(() => new Batcher(4, 0, 1), /positive batch size/);
    assert.throws(() => Batcher.restore({ count: 4, batchSize: 2, epochRngState: 1, position: 9, epoch: 1 }), /position/);
  });
});

describe('gather', () => {
  const set: ImageSet = {
    images: Float32Array.from({ length: 4 * 2 * 2 * 3 }, (_, i) => i),
    labels: Int32Array.from([7, 8, 9, 0]),
    count: 4,
    height: 2,
    width: 2,
    channels: 3,
    origin: 'test',
  };

  it('copies the chosen images contiguously, in order, repeats allowed', () => {
    const out = gather(set, [2, 0, 2]);
    assert.deepEqual(Array.from(out), [...range(24, 36), ...range(0, 12), ...range(24, 36)]);
    assert.deepEqual(Array.from(gatherLabels(set, [2, 0, 3])), [9, 7, 0]);
  });

  it('rejects out-of-range indices and missing labels', () => {
    assert.throws(() => gather(set, [4]), RangeError);
    assert.throws(() => gatherLabels({ ...set, labels: undefined }, [0]), /no labels/);
  });
});

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
