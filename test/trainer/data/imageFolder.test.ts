import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { readImageFolder } from '../../../src/trainer/data/imageFolder';
import { skippedSummary } from '../../../src/trainer/data/imageSet';
import { DataError } from '../../../src/trainer/data/imageSet';
import { cleanTempDirs, tempDir } from './tmp';

/** A solid-colour RGBA PNG, with one marker pixel at (0, 0). */
function png(w: number, h: number, rgb: [number, number, number], alpha = 255, marker?: [number, number, number]): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) p.data.set([...(i === 0 && marker ? marker : rgb), alpha], 4 * i);
  return PNG.sync.write(p);
}

function jpg(w: number, h: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([...rgb, 255], 4 * i);
  return jpeg.encode({ data, width: w, height: h }, 95).data;
}

const v = (byte: number) => Math.fround(byte / 127.5 - 1);

async function expectDataError(fn: () => Promise<unknown>, file: string, pattern: RegExp): Promise<void> {
  await assert.rejects(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.file, file);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('readImageFolder', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });
  after(cleanTempDirs);

  it('reads a flat folder in sorted order, decoding PNG and JPEG at the target size', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'b.PNG'), png(4, 4, [255, 0, 0], 255, [0, 0, 255]));
    fs.writeFileSync(path.join(dir, 'a.jpeg'), jpg(4, 4, [0, 255, 0]));
    fs.writeFileSync(path.join(dir, 'c.png'), png(4, 4, [200, 100, 50], 0)); // fully transparent -> black
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'x.png'), png(4, 4, [1, 2, 3])); // not recursive here
    const set = await readImageFolder(dir, { labelsFromFolders: false, size: 4, channels: 3 });
    assert.equal(set.count, 3);
    assert.equal(set.labels, undefined);
    assert.deepEqual([set.height, set.width, set.channels], [4, 4, 3]);
    const px = (i: number, p: number) => Array.from(set.images.subarray(i * 48 + 3 * p, i * 48 + 3 * p + 3));
    // a.jpeg: green, within JPEG error.
    const g = px(0, 5);
    assert.ok(Math.abs(g[0] - -1) < 0.05 && Math.abs(g[1] - 1) < 0.05 && Math.abs(g[2] - -1) < 0.05, String(g));
    // b.PNG: exact, marker at pixel 0.
    assert.deepEqual(px(1, 0), [v(0), v(0), v(255)]);
    assert.deepEqual(px(1, 15), [v(255), v(0), v(0)]);
    assert.deepEqual(px(2, 7), [-1, -1, -1]);
  });

  it('resizes to the target size and converts to grey', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.png'), png(10, 6, [100, 150, 200]));
    const set = await readImageFolder(dir, { labelsFromFolders: false, size: 8, channels: 1 });
    assert.deepEqual([set.count, set.height, set.width, set.channels], [1, 8, 8, 1]);
    const grey = 0.299 * v(100) + 0.587 * v(150) + 0.114 * v(200);
    for (const x of set.images) assert.ok(Math.abs(x - grey) < 1e-5);
  });

  it('labels by sorted class folder, recursing, interleaving classes, and honours count', async () => {
    const dir = tempDir();
    for (const [cls, n] of [
      ['zebra', 2],
      ['apple', 3],
      ['mango', 1],
    ] as const) {
      fs.mkdirSync(path.join(dir, cls, 'deep'), { recursive: true });
      for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, cls, i === 0 ? 'deep' : '', `${i}.png`), png(2, 2, [i * 10, 0, 0]));
    }
    const set = await readImageFolder(dir, { labelsFromFolders: true, size: 2, channels: 3 });
    assert.deepEqual(set.labelMap, { apple: 0, mango: 1, zebra: 2 });
    assert.equal(set.count, 6);
    assert.deepEqual(Array.from(set.labels!), [0, 1, 2, 0, 2, 0]);
    // Within a class, sorted path order: apple/1.png, apple/2.png, apple/deep/0.png.
    assert.deepEqual(
      [0, 3, 5].map((i) => set.images[i * 12]),
      [v(10), v(20), v(0)],
    );
    const few = await readImageFolder(dir, { labelsFromFolders: true, size: 2, channels: 3, count: 4 });
    assert.deepEqual(Array.from(few.labels!), [0, 1, 2, 0]);
  });

  it('numeric class folders are their own labels (a missing digit shifts nothing; 10 sorts after 9), and the map says so', async () => {
    const dir = tempDir();
    for (const cls of ['1', '3', '7', '10', '2']) {
      fs.mkdirSync(path.join(dir, cls));
      fs.writeFileSync(path.join(dir, cls, 'a.png'), png(2, 2, [Number(cls), 0, 0]));
    }
    const set = await readImageFolder(dir, { labelsFromFolders: true, size: 2, channels: 3 });
    assert.deepEqual(set.labelMap, { '1': 1, '10': 10, '2': 2, '3': 3, '7': 7 });
    const labelOf = new Map(Array.from(set.labels!, (l, i) => [Math.round((set.images[i * 12] + 1) * 127.5), l]));
    for (const cls of [1, 2, 3, 7, 10]) assert.equal(labelOf.get(cls), cls, `folder ${cls}`);
  });

  it('a corrupt image and a non-image file are skipped, named and counted; badFiles fail stops at the first', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.png'), png(2, 2, [0, 0, 0]));
    const bad = path.join(dir, 'b.jpg');
    fs.writeFileSync(bad, Buffer.concat([jpg(8, 8, [9, 9, 9]).subarray(0, 30), Buffer.alloc(40, 7)]));
    const bad2 = path.join(dir, 'c.png');
    fs.writeFileSync(bad2, png(4, 4, [1, 1, 1]).subarray(0, 40));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const set = await readImageFolder(dir, { labelsFromFolders: false, size: 2, channels: 1 });
    assert.equal(set.count, 1);
    assert.deepEqual(set.skipped!.map((s) => [path.basename(s.file), s.reason]).sort(), [
      ['b.jpg', 'unreadable image'],
      ['c.png', 'unreadable image'],
      ['notes.txt', 'not an image file'],
    ]);
    const summary = skippedSummary(set)!;
    for (const part of [/3 of 4 files skipped/, /2 unreadable image/, /1 not an image file/, /b\.jpg \(not a readable image/])
      assert.match(summary, part);
    await expectDataError(
      () => readImageFolder(dir, { labelsFromFolders: false, size: 2, channels: 1, badFiles: 'fail' }),
      bad,
      /not a readable image/,
    );
  });

  it('rejects empty and missing folders and loose images with labelsFromFolders', async () => {
    const dir = tempDir();
    await expectDataError(() => readImageFolder(dir, { labelsFromFolders: false, size: 2, channels: 1 }), dir, /no images \(\.png/);
    await expectDataError(() => readImageFolder(dir, { labelsFromFolders: true, size: 2, channels: 1 }), dir, /no images/);
    const missing = path.join(dir, 'nope');
    await expectDataError(() => readImageFolder(missing, { labelsFromFolders: false, size: 2, channels: 1 }), missing, /folder not found/);
    fs.writeFileSync(path.join(dir, 'loose.png'), png(2, 2, [0, 0, 0]));
    await expectDataError(
      () => readImageFolder(dir, { labelsFromFolders: true, size: 2, channels: 1 }),
      dir,
      /loose\.png.*class sub-folder/,
    );
  });
});
