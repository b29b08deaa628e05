import { strict as assert } from 'node:assert';
import { chooseFaces } from '../../../../src/trainer/data/faces/faceChoice';
import type { PhotoFace, PhotoFaces } from '../../../../src/trainer/data/faces/photoFaces';

const face = (size: number): PhotoFace => ({
  box: { x: 0, y: 0, width: size, height: size * 1.3 },
  score: 0.9,
  landmarks: [],
  crop: Buffer.alloc(0),
});
const photo = (...sizes: number[]): PhotoFaces => ({ outcome: 'faces', width: 1000, height: 800, faces: sizes.map(face) });
const sizes = (r: ReturnType<typeof chooseFaces>) => ('faces' in r ? r.faces.map((f) => f.box.width) : r.skip);

describe('chooseFaces', () => {
  const opts = { minFaceSize: 80, severalFaces: 'largest' as const };

  it('names the reason a photo gives no face', () => {
    assert.equal(sizes(chooseFaces(photo(), opts)), 'no-face');
    assert.equal(sizes(chooseFaces(photo(40, 79), opts)), 'face-too-small');
    assert.equal(sizes(chooseFaces({ outcome: 'unreadable', reason: 'truncated' }, opts)), 'unreadable');
    assert.equal(sizes(chooseFaces({ outcome: 'not-an-image', reason: 'text' }, opts)), 'not-an-image');
  });

  it('measures a face by its box’s shorter side', () => {
    assert.deepEqual(sizes(chooseFaces(photo(80), opts)), [80]);
  });

  it('applies the several-faces policy to the large-enough faces only', () => {
    assert.deepEqual(sizes(chooseFaces(photo(100, 300, 200), opts)), [300]);
    assert.deepEqual(sizes(chooseFaces(photo(100, 300, 200), { ...opts, severalFaces: 'all' })), [100, 300, 200]);
    assert.equal(sizes(chooseFaces(photo(100, 300), { ...opts, severalFaces: 'skip' })), 'several-faces');
    // A small bystander does not make a portrait "several faces".
    assert.deepEqual(sizes(chooseFaces(photo(30, 300), { ...opts, severalFaces: 'skip' })), [300]);
  });
});
