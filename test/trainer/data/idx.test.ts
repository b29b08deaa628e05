import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { readIdx } from '../../../src/trainer/data/idx';
import { DataError } from '../../../src/trainer/data/imageSet';
import { cleanTempDirs, tempDir } from './tmp';

function idxImages(n: number, rows: number, cols: number, pixel: (i: number, p: number) => number): Buffer {
  const b = Buffer.alloc(16 + n * rows * cols);
  b.writeUInt32BE(0x803, 0);
  b.writeUInt32BE(n, 4);
  b.writeUInt32BE(rows, 8);
  b.writeUInt32BE(cols, 12);
  for (let i = 0; i < n; i++) for (let p = 0; p < rows * cols; p++) b[16 + i * rows * cols + p] = pixel(i, p);
  return b;
}

function idxLabels(labels: number[]): Buffer {
  const b = Buffer.alloc(8 + labels.length);
  b.writeUInt32BE(0x801, 0);
  b.writeUInt32BE(labels.length, 4);
  labels.forEach((l, i) => (b[8 + i] = l));
  return b;
}

function expectDataError(fn: () => unknown, file: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.file, file);
    assert.match(e.message, pattern);
    assert.ok(e.message.includes(file));
    assert.ok(e.fix.length > 10);
    return true;
  });
}

describe('readIdx', () => {
  let dir: string;
  const pixel = (i: number, p: number) => (i * 37 + p * 3) % 256;
  before(() => {
    dir = tempDir();
    fs.writeFileSync(path.join(dir, 'img'), idxImages(5, 4, 3, pixel));
    fs.writeFileSync(path.join(dir, 'img.gz'), zlib.gzipSync(idxImages(5, 4, 3, pixel)));
    fs.writeFileSync(path.join(dir, 'lab'), idxLabels([7, 0, 9, 1, 3]));
    fs.writeFileSync(path.join(dir, 'lab4.gz'), zlib.gzipSync(idxLabels([7, 0, 9, 1])));
  });
  after(cleanTempDirs);

  it('reads images and labels with exact pixel values', () => {
    const set = readIdx(path.join(dir, 'img'), path.join(dir, 'lab'));
    assert.deepEqual([set.count, set.height, set.width, set.channels], [5, 4, 3, 1]);
    assert.deepEqual(Array.from(set.labels!), [7, 0, 9, 1, 3]);
    for (let i = 0; i < 5; i++) for (let p = 0; p < 12; p++) assert.ok(Math.abs(set.images[i * 12 + p] - (pixel(i, p) / 127.5 - 1)) < 1e-6);
  });

  it('detects gzip by magic bytes and gives identical data', () => {
    const plain = readIdx(path.join(dir, 'img'));
    const gz = readIdx(path.join(dir, 'img.gz'));
    assert.deepEqual(gz.images, plain.images);
    assert.equal(gz.labels, undefined);
  });

  it('honours count for images and labels', () => {
    const set = readIdx(path.join(dir, 'img.gz'), path.join(dir, 'lab'), 2);
    assert.equal(set.count, 2);
    assert.equal(set.images.length, 24);
    assert.deepEqual(Array.from(set.labels!), [7, 0]);
    assert.equal(readIdx(path.join(dir, 'img'), undefined, 99).count, 5);
  });

  it('rejects a missing file', () => {
    const f = path.join(dir, 'nope');
    expectDataError(() => readIdx(f), f, /not found/);
  });

  it('rejects wrong magic and says when files are swapped', () => {
    const f = path.join(dir, 'lab');
    expectDataError(() => readIdx(f), f, /magic.*0x00000801.*expected 0x00000803.*labels file/);
    const g = path.join(dir, 'img');
    expectDataError(() => readIdx(g, g), g, /expected 0x00000801.*images file/);
  });

  it('rejects truncated files', () => {
    const f = path.join(dir, 'trunc');
    fs.writeFileSync(f, idxImages(5, 4, 3, pixel).subarray(0, 40));
    expectDataError(() => readIdx(f), f, /truncated.*5 images of 4x3/);
    const h = path.join(dir, 'tiny');
    fs.writeFileSync(h, idxImages(5, 4, 3, pixel).subarray(0, 10));
    expectDataError(() => readIdx(h), h, /truncated/);
  });

  it('rejects an image/label count mismatch, naming the labels file', () => {
    const f = path.join(dir, 'lab4.gz');
    expectDataError(() => readIdx(path.join(dir, 'img'), f), f, /4 labels but .* 5 images/);
  });
});
