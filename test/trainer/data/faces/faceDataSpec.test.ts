import { strict as assert } from 'node:assert';
import { DataSpecSchema, DEFAULT_MIN_FACE_SIZE } from '../../../../src/shared/config';

describe('face data specs', () => {
  it('face-photos: a path, with defaults for the face size and several faces', () => {
    assert.deepEqual(DataSpecSchema.parse({ kind: 'face-photos', path: 'me' }), {
      kind: 'face-photos',
      path: 'me',
      minFaceSize: DEFAULT_MIN_FACE_SIZE,
      severalFaces: 'largest',
    });
    assert.ok(DataSpecSchema.safeParse({ kind: 'face-photos', path: 'me', count: 10, minFaceSize: 120, severalFaces: 'all' }).success);
    for (const bad of [
      { kind: 'face-photos' },
      { kind: 'face-photos', path: 'me', severalFaces: 'first' },
      { kind: 'face-photos', path: 'me', minFaceSize: 0 },
      { kind: 'face-photos', path: 'me', labelsFromFolders: true },
    ]) {
      assert.equal(DataSpecSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it('face-api-demo-photos: nothing to set but a count', () => {
    assert.deepEqual(DataSpecSchema.parse({ kind: 'face-api-demo-photos', count: 4 }), { kind: 'face-api-demo-photos', count: 4 });
    assert.equal(DataSpecSchema.safeParse({ kind: 'face-api-demo-photos', path: 'x' }).success, false);
  });
});
