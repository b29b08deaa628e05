import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSvhnMat } from '../../../src/trainer/data/svhn';
import { DataError } from '../../../src/trainer/data/imageSet';
import { cleanTempDirs, tempDir } from './tmp';
import { MI, MX, svhnVars, writeMat } from './matWriter';

const N = 5;
const pixel = (r: number, c: number, ch: number, i: number) => (r * 7 + c * 13 + ch * 71 + i * 29) % 256;
const LABELS = [10, 1, 5, 9, 10];

describe('readSvhnMat', () => {
  let dir: string;
  before(() => {
    dir = tempDir();
    fs.writeFileSync(path.join(dir, 'plain.mat'), writeMat(svhnVars(N, 32, pixel, LABELS)));
    fs.writeFileSync(path.join(dir, 'z.mat'), writeMat(svhnVars(N, 32, pixel, LABELS), { compressed: true }));
  });
  after(cleanTempDirs);

  for (const file of ['plain.mat', 'z.mat']) {
    it(`converts column-major X(r,c,ch,n) to NHWC and labels 10 -> 0 (${file})`, () => {
      const set = readSvhnMat(path.join(dir, file));
      assert.deepEqual([set.count, set.height, set.width, set.channels], [N, 32, 32, 3]);
      assert.deepEqual(Array.from(set.labels!), [0, 1, 5, 9, 0]);
      // Pixel (row 2, col 5, channel 1) of image 3 (0-based).
      const at = (i: number, r: number, c: number, ch: number) => set.images[((i * 32 + r) * 32 + c) * 3 + ch];
      assert.equal(at(3, 2, 5, 1), Math.fround(pixel(2, 5, 1, 3) / 127.5 - 1));
      for (let i = 0; i < N; i++)
        for (let r = 0; r < 32; r++)
          for (let c = 0; c < 32; c++)
            for (let ch = 0; ch < 3; ch++) {
              assert.equal(at(i, r, c, ch), Math.fround(pixel(r, c, ch, i) / 127.5 - 1));
            }
    });
  }

  it('honours count', () => {
    const set = readSvhnMat(path.join(dir, 'z.mat'), 2);
    assert.equal(set.count, 2);
    assert.equal(set.images.length, 2 * 32 * 32 * 3);
    assert.deepEqual(Array.from(set.labels!), [0, 1]);
  });

  function rejects(name: string, buf: Buffer, pattern: RegExp): void {
    const f = path.join(dir, name);
    fs.writeFileSync(f, buf);
    assert.throws(
      () => readSvhnMat(f),
      (e: unknown) => {
        assert.ok(e instanceof DataError, String(e));
        assert.equal(e.file, f);
        assert.match(e.message, pattern);
        return true;
      },
    );
  }

  it('rejects a missing variable, listing what was found', () => {
    rejects('noy.mat', writeMat(svhnVars(N, 32, pixel, LABELS).slice(0, 1)), /missing variable "y".*found: X/);
  });

  it('rejects wrong dimensions', () => {
    const [X, y] = svhnVars(N, 32, pixel, LABELS);
    rejects('grey.mat', writeMat([{ ...X, dims: [32, 32, N * 3] }, y]), /X has dimensions 32x32x15/);
    rejects('ycount.mat', writeMat([X, { ...y, dims: [N - 1, 1], values: LABELS.slice(1) }]), /y has dimensions 4x1, expected 5x1/);
  });

  it('rejects out-of-range labels', () => {
    const [X] = svhnVars(N, 32, pixel, LABELS);
    rejects(
      'badlab.mat',
      writeMat([X, { name: 'y', mxClass: MX.DOUBLE, dims: [N, 1], miType: MI.UINT8, values: [1, 2, 11, 3, 4] }]),
      /y\(3\) = 11/,
    );
  });
});
