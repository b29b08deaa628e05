/**
 * f's shape augmentation (encoder.warp): what pretrain-f trains on when it is on.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import type { DtnError } from '../../../src/shared/errors';
import { Rng } from '../../../src/trainer/data/rng';
import { pretrainEncoder } from '../../../src/trainer/dtn/pretrain';
import { warpShapes } from '../../../src/trainer/dtn/supervised';
import { initBackend } from '../../../src/trainer/engine/backend';
import { readConfigFile } from '../../../src/trainer/run/configFile';
import { readTensorFolder } from '../../../src/trainer/run/tensorFile';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { tinyRunConfig } from '../helpers';

describe('pretrain-f: warped source images (encoder.warp)', () => {
  before(() => initBackend('cpu'));
  after(cleanTempDirs);

  it('moves each digit by its own map, within the image and its range of values, alike on cpu and wasm', async () => {
    // A bright bar on a dark background, eight times.
    const one = new Float32Array(32 * 32).fill(-1);
    for (let y = 8; y < 24; y++) for (let x = 14; x < 18; x++) one[y * 32 + x] = 1;
    const images = new Float32Array(8 * 32 * 32);
    for (let i = 0; i < 8; i++) images.set(one, i * 32 * 32);
    const x = tf.tensor4d(images, [8, 32, 32, 1]);
    const warped = warpShapes(x, new Rng(3));
    assert.deepEqual(warped.shape, [8, 32, 32, 1]);
    const values = warped.dataSync() as Float32Array;
    assert.ok(
      values.every((v) => v >= -1 - 1e-6 && v <= 1 + 1e-6),
      'bilinear samples of the image, edges repeated: no value outside it',
    );
    const per = 32 * 32;
    const changed = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const img = values.subarray(i * per, (i + 1) * per);
      const bright = img.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
      assert.ok(bright > 16 && bright < 200, `image ${i} keeps a bar of about its size (${bright} bright pixels of 64)`);
      changed.add(Array.from(img.subarray(0, per), (v) => v.toFixed(2)).join());
    }
    assert.equal(changed.size, 8, 'every image gets its own warp');
    tf.dispose([x, warped]);
    // pretrain-f runs on wasm: its Transform kernel must agree with cpu's.
    await initBackend('wasm', 1);
    const onWasm = tf.tidy(() => warpShapes(tf.tensor4d(images, [8, 32, 32, 1]), new Rng(3)).dataSync());
    await initBackend('cpu');
    assert.ok(
      onWasm.every((v, i) => Math.abs(v - values[i]) < 1e-4),
      'the same warps on wasm as on cpu',
    );
  });

  it('trains f on warped images: other weights than without, the same ones again on the same seed', async () => {
    const dir = tempDir('dtn-warp-');
    const encoderOf = async (name: string, warp: boolean) => {
      const file = path.join(dir, `${name}.dtn.json`);
      fs.writeFileSync(file, JSON.stringify(tinyRunConfig({ encoder: { path: name, warp } })));
      const resolved = readConfigFile(file);
      const r = await pretrainEncoder({ ...resolved, steps: 3, backend: 'cpu', emit: () => undefined });
      return readTensorFolder(r.dir).tensors;
    };
    const plain = await encoderOf('plain', false);
    const warped = await encoderOf('warped', true);
    const again = await encoderOf('again', true);
    const differs = (a: typeof plain, b: typeof plain) => [...a].some(([name, t]) => t.values.some((v, i) => v !== b.get(name)!.values[i]));
    assert.ok(differs(plain, warped), 'warping changes what f learns');
    assert.ok(!differs(warped, again), 'the warps follow the seed');
  });

  it('trains f on encoder.source when a config names one, and says so in the encoder', async () => {
    const dir = tempDir('dtn-fsource-');
    const pretrain = async (name: string, encoder: Record<string, unknown>, source?: unknown) => {
      const file = path.join(dir, `${name}.dtn.json`);
      fs.writeFileSync(file, JSON.stringify(tinyRunConfig({ encoder: { path: name, ...encoder }, ...(source ? { source } : {}) })));
      return pretrainEncoder({ ...readConfigFile(file), steps: 2, backend: 'cpu', emit: () => undefined });
    };
    // The source domain has no labels here: f learns from encoder.source alone.
    const unlabelled = { kind: 'image-folder', path: 'photos' };
    const r = await pretrain('hand', { source: { kind: 'synthetic-digits', count: 80, handLettered: true } }, unlabelled);
    assert.match(readTensorFolder<{ trainedOn?: string }>(r.dir).meta!.trainedOn!, /synthetic digits .*hand-lettered/);
    // Images without labels as encoder.source: the error names encoder.source, not the source domain.
    fs.mkdirSync(path.join(dir, 'photos'));
    const png = new PNG({ width: 32, height: 32 });
    png.data.fill(200);
    for (const n of ['a', 'b']) fs.writeFileSync(path.join(dir, 'photos', `${n}.png`), PNG.sync.write(png));
    await assert.rejects(pretrain('nolabels', { source: { kind: 'image-folder', path: 'photos' } }), (e: DtnError) => {
      assert.equal(e.code, 'DATA_INVALID');
      assert.match(e.message, /^encoder\.source .*has no labels/);
      return true;
    });
  });
});
