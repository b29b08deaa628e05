import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CROP_SIZE } from '../../../../src/trainer/data/faces/alignment';
import { contentKey, FaceCache, faceCacheRoot, facePipelineVersion } from '../../../../src/trainer/data/faces/faceCache';
import type { PhotoFaces } from '../../../../src/trainer/data/faces/photoFaces';
import { cleanTempDirs, tempDir } from '../tmp';

function crop(seed: number): Buffer {
  const b = Buffer.alloc(CROP_SIZE * CROP_SIZE * 3);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + seed * 97) % 251;
  return b;
}

const landmarks = Array.from({ length: 68 }, (_, i) => ({ x: 100 + i, y: 200 - i / 4 }));
const twoFaces: PhotoFaces = {
  outcome: 'faces',
  width: 640,
  height: 480,
  faces: [
    { box: { x: 10, y: 20, width: 150, height: 180 }, score: 0.97, landmarks, crop: crop(1) },
    { box: { x: 300, y: 40, width: 120, height: 140 }, score: 0.61, landmarks, crop: crop(2) },
  ],
};

describe('FaceCache', () => {
  after(cleanTempDirs);

  it('lives under <baseDir>/.dtn/cache/faces, in a folder per pipeline version', () => {
    assert.equal(faceCacheRoot('/p'), path.join('/p', '.dtn', 'cache', 'faces'));
    assert.match(facePipelineVersion(), /^v\d+-face-api-\d+\.\d+\.\d+-[0-9a-f]{8}$/);
    assert.equal(new FaceCache('/r').dir, path.join('/r', facePipelineVersion()));
  });

  it('keys entries by the sha256 of the bytes', () => {
    assert.equal(contentKey(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('reads back faces (crops exact, boxes to the hundredth) and negative results', async () => {
    const cache = new FaceCache(tempDir());
    const key = contentKey(Buffer.from('photo'));
    assert.equal(await cache.read(key), undefined);
    await cache.write(key, twoFaces);
    const back = await cache.read(key);
    assert.ok(back?.outcome === 'faces');
    assert.equal(back.faces.length, 2);
    assert.deepEqual(back.faces[1].crop, twoFaces.faces[1].crop);
    assert.deepEqual(back.faces[0].box, twoFaces.faces[0].box);
    assert.deepEqual(back.faces[0].landmarks[67], { x: 167, y: 183.25 });
    assert.equal(back.width, 640);

    const none = contentKey(Buffer.from('no face'));
    await cache.write(none, { outcome: 'faces', width: 10, height: 10, faces: [] });
    assert.deepEqual(await cache.read(none), { outcome: 'faces', width: 10, height: 10, faces: [] });
    const bad = contentKey(Buffer.from('bad'));
    await cache.write(bad, { outcome: 'unreadable', reason: 'premature end of JPEG' });
    assert.deepEqual(await cache.read(bad), { outcome: 'unreadable', reason: 'premature end of JPEG' });
    assert.equal(cache.corrupt, 0);
  });

  it('treats a damaged entry as a miss and counts it', async () => {
    const cache = new FaceCache(tempDir());
    const keys = ['a', 'b', 'c', 'd'].map((s) => contentKey(Buffer.from(s)));
    for (const k of keys) await cache.write(k, twoFaces);
    const file = (k: string, ext: string) => path.join(cache.dir, k.slice(0, 2), `${k}${ext}`);
    fs.writeFileSync(file(keys[0], '.json'), '{"outcome": "faces", "wid');
    fs.writeFileSync(file(keys[1], '.1.png'), fs.readFileSync(file(keys[1], '.1.png')).subarray(0, 100));
    fs.rmSync(file(keys[2], '.0.png'));
    fs.writeFileSync(file(keys[3], '.json'), JSON.stringify({ outcome: 'faces', width: 1, height: 1, faces: [{ box: {} }] }));
    for (const k of keys) assert.equal(await cache.read(k), undefined);
    assert.equal(cache.corrupt, 4);
    // Rewriting repairs it.
    await cache.write(keys[0], twoFaces);
    assert.equal((await cache.read(keys[0]))?.outcome, 'faces');
  });
});
