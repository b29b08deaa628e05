import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadMnistPackage } from '../../../src/trainer/data/mnistPackage';

describe('loadMnistPackage', () => {
  const set = loadMnistPackage();

  it('loads all 10,000 digits as 28x28x1 with labels', () => {
    assert.equal(set.count, 10000);
    assert.deepEqual([set.height, set.width, set.channels], [28, 28, 1]);
    assert.equal(set.images.length, 10000 * 784);
    assert.equal(set.labels!.length, 10000);
  });

  it('interleaves classes so that any prefix is balanced', () => {
    assert.deepEqual(Array.from(set.labels!.subarray(0, 20)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const hist = new Array(10).fill(0);
    for (const l of set.labels!.subarray(0, 8000)) hist[l]++;
    assert.ok(
      hist.every((h) => h === 800),
      `hist ${hist}`,
    );
  });

  it('maps 0..1 to -1..1 and keeps each digit intact', () => {
    const file = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits', '3.json');
    const raw: number[] = JSON.parse(fs.readFileSync(file, 'utf8')).data;
    // The second 3 is at index 13 (round-robin: 3, then 10 + 3).
    const second3 = set.images.subarray(13 * 784, 14 * 784);
    for (let p = 0; p < 784; p++) assert.ok(Math.abs(second3[p] - (raw[784 + p] * 2 - 1)) < 1e-6);
    let min = Infinity,
      max = -Infinity;
    for (const v of set.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assert.equal(min, -1);
    assert.equal(max, 1);
  });

  it('honours count', () => {
    const small = loadMnistPackage(25);
    assert.equal(small.count, 25);
    assert.equal(small.images.length, 25 * 784);
    assert.deepEqual(Array.from(small.images), Array.from(set.images.subarray(0, 25 * 784)));
  });
});
