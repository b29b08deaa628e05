import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import { loadDataSpec } from '../../../src/trainer/data/loadDataSpec';
import { renderSyntheticDigits } from '../../../src/trainer/data/syntheticDigits';
import { DataError } from '../../../src/trainer/data/imageSet';
import { DataSpecSchema } from '../../../src/shared/config';
import { cleanTempDirs, tempDir } from './tmp';
import { svhnVars, writeMat } from './matWriter';

describe('loadDataSpec', () => {
  let dir: string;
  before(async () => {
    await tf.setBackend('cpu');
    dir = tempDir();
    const img = Buffer.alloc(16 + 3 * 28 * 28);
    img.writeUInt32BE(0x803, 0);
    img.writeUInt32BE(3, 4);
    img.writeUInt32BE(28, 8);
    img.writeUInt32BE(28, 12);
    img.fill(255, 16);
    fs.mkdirSync(path.join(dir, 'mnist'));
    fs.writeFileSync(path.join(dir, 'mnist', 'img.gz'), zlib.gzipSync(img));
    const lab = Buffer.from([0, 0, 8, 1, 0, 0, 0, 3, 4, 5, 6]);
    fs.writeFileSync(path.join(dir, 'mnist', 'lab'), lab);
    fs.writeFileSync(
      path.join(dir, 'svhn.mat'),
      writeMat(
        svhnVars(4, 32, () => 0, [1, 2, 3, 10]),
        { compressed: true },
      ),
    );
    fs.mkdirSync(path.join(dir, 'imgs', 'cat'), { recursive: true });
    const p = new PNG({ width: 5, height: 5 });
    p.data.fill(255);
    fs.writeFileSync(path.join(dir, 'imgs', 'cat', 'a.png'), PNG.sync.write(p));
  });
  after(cleanTempDirs);

  const opts = () => ({ baseDir: dir, size: 32, channels: 3 as const, seed: 11 });
  const spec = (raw: unknown) => DataSpecSchema.parse(raw);

  it('synthetic digits: uses the run seed unless the spec has one, and conforms channels', async () => {
    const s = await loadDataSpec(spec({ kind: 'synthetic-digits', count: 20 }), opts());
    assert.deepEqual(s.images, (await renderSyntheticDigits({ count: 20, seed: 11 })).images);
    const own = await loadDataSpec(spec({ kind: 'synthetic-digits', count: 20, seed: 4 }), { ...opts(), channels: 1 });
    assert.deepEqual([own.count, own.channels, own.height], [20, 1, 32]);
    assert.deepEqual(own.labels, (await renderSyntheticDigits({ count: 20, seed: 4 })).labels);
  });

  it('mnist package: count and 32x32x3', async () => {
    const s = await loadDataSpec(spec({ kind: 'mnist-package', count: 30 }), opts());
    assert.deepEqual([s.count, s.height, s.width, s.channels], [30, 32, 32, 3]);
    assert.deepEqual(Array.from(s.labels!.subarray(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('mnist idx: paths relative to baseDir, count above the file size takes what is there', async () => {
    const s = await loadDataSpec(spec({ kind: 'mnist-idx', images: 'mnist/img.gz', labels: 'mnist/lab', count: 50 }), {
      ...opts(),
      channels: 1,
    });
    assert.deepEqual([s.count, s.height, s.channels], [3, 32, 1]);
    assert.deepEqual(Array.from(s.labels!), [4, 5, 6]);
    assert.ok(s.images.every((v) => Math.abs(v - 1) < 1e-6));
  });

  it('svhn mat', async () => {
    const s = await loadDataSpec(spec({ kind: 'svhn-mat', path: 'svhn.mat', count: 3 }), { ...opts(), channels: 1 });
    assert.deepEqual([s.count, s.height, s.channels], [3, 32, 1]);
    assert.deepEqual(Array.from(s.labels!), [1, 2, 3]);
    assert.ok(s.images.every((v) => v === -1));
  });

  it('image folder keeps its label map', async () => {
    const s = await loadDataSpec(spec({ kind: 'image-folder', path: 'imgs', labelsFromFolders: true }), opts());
    assert.deepEqual([s.count, s.height, s.width, s.channels], [1, 32, 32, 3]);
    assert.deepEqual(s.labelMap, { cat: 0 });
    assert.ok(s.images.every((v) => Math.abs(v - 1) < 1e-6));
  });

  it('reports a missing file by its resolved path', async () => {
    await assert.rejects(
      () => loadDataSpec(spec({ kind: 'svhn-mat', path: 'nope.mat' }), opts()),
      (e: unknown) => e instanceof DataError && e.file === path.join(dir, 'nope.mat'),
    );
  });
});
