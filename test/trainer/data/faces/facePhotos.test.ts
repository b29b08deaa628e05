/**
 * The face pipeline end to end, with face-api's real networks on the wasm backend: the package's
 * demo photos, photos without a usable face, the cache, and the single-photo crop.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { DtnError } from '../../../../src/shared/errors';
import { initBackend } from '../../../../src/trainer/engine/backend';
import { loadDataSpec } from '../../../../src/trainer/data/loadDataSpec';
import { DataError } from '../../../../src/trainer/data/imageSet';
import { CANONICAL, CROP_SIZE, faceAnchors } from '../../../../src/trainer/data/faces/alignment';
import { faceApiDemoPhotos } from '../../../../src/trainer/data/faces/faceApiPackage';
import { FaceCache, faceCacheRoot } from '../../../../src/trainer/data/faces/faceCache';
import { cropFace } from '../../../../src/trainer/data/faces/faceCrop';
import { faceApiDetector, type FaceDetector } from '../../../../src/trainer/data/faces/faceDetector';
import { describeFaceReport, loadFacePhotos, type FaceSet } from '../../../../src/trainer/data/faces/facePhotos';
import { cleanTempDirs, tempDir } from '../tmp';

/** face-api's detector, counting its calls. */
function countingDetector(): FaceDetector & { calls: number } {
  const inner = faceApiDetector();
  const d = {
    calls: 0,
    detect: (photo: Parameters<FaceDetector['detect']>[0]) => {
      d.calls++;
      return inner.detect(photo);
    },
  };
  return d;
}

/** Crop i of a set as RGB bytes. */
function cropBytes(set: FaceSet, i: number): Buffer {
  const per = CROP_SIZE * CROP_SIZE * 3;
  return Buffer.from(Array.from(set.images.subarray(i * per, (i + 1) * per), (v) => Math.round((v + 1) * 127.5)));
}

describe('face photos', function () {
  this.timeout(300_000);
  let dir: string;
  const demo = faceApiDemoPhotos();

  before(async () => {
    await initBackend('wasm');
    dir = tempDir('dtn-faces-');
    const put = async (rel: string, image: Sharp | Buffer) => {
      const file = path.join(dir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, Buffer.isBuffer(image) ? image : await image.toBuffer());
    };
    // sample3 shows three people; each cut-out below shows one of them.
    await put('photos/single.jpg', sharp(demo[2]).extract({ left: 450, top: 150, width: 480, height: 600 }).jpeg());
    await put('photos/group.jpg', fs.readFileSync(demo[2]));
    const gradient = Buffer.alloc(320 * 240 * 3);
    for (let i = 0; i < gradient.length; i++) gradient[i] = Math.floor(i / 3 / 320) + (i % 3) * 8;
    await put('photos/noface.png', sharp(gradient, { raw: { width: 320, height: 240, channels: 3 } }).png());
    // Faces about 40 px: found, but under the default 80.
    await put('photos/tiny.jpg', sharp(demo[0]).resize(400).jpeg());
    // Cut off half-way: the header reads, the pixels do not.
    const jpeg = fs.readFileSync(demo[0]);
    await put('photos/corrupt.jpg', jpeg.subarray(0, jpeg.length >> 1));
    await put('photos/fake.jpg', Buffer.from('not a photo at all'));
    await put('photos/notes.txt', Buffer.from('taken in 2019'));
    await put('people/alice/a1.jpg', fs.readFileSync(path.join(dir, 'photos/single.jpg')));
    await put('people/alice/a2.jpg', fs.readFileSync(demo[2]));
    await put('people/bob/b1.jpg', sharp(demo[2]).extract({ left: 950, top: 100, width: 470, height: 560 }).jpeg());
  });
  after(cleanTempDirs);

  it('crops every face of the demo photos at 150 x 150, eyes and mouth at the canonical places', async () => {
    const warnings: string[] = [];
    const base = tempDir();
    const set = (await loadDataSpec(
      { kind: 'face-api-demo-photos' },
      { baseDir: base, size: CROP_SIZE, channels: 3, seed: 1, onWarning: (m) => warnings.push(m) },
    )) as FaceSet;
    assert.deepEqual([set.height, set.width, set.channels], [150, 150, 3]);
    assert.equal(set.images.length, set.count * 150 * 150 * 3);
    assert.ok(set.images.every((v) => v >= -1 && v <= 1));
    const perPhoto = Object.fromEntries(demo.map((f) => [path.basename(f), set.files.filter((x) => x === path.basename(f)).length]));
    assert.deepEqual(perPhoto, {
      'sample1.jpg': 3,
      'sample2.jpg': 3,
      'sample3.jpg': 3,
      'sample4.jpg': 4,
      'sample5.jpg': 5,
      'sample6.jpg': 4,
    });
    assert.deepEqual(warnings, []);
    assert.ok(fs.existsSync(faceCacheRoot(base)));

    // Landmarks found again on each crop (framed in black, so the detector sees a whole face)
    // sit where the alignment put them, but for faces seen from the side or with closed eyes.
    const pad = 75;
    const detector = faceApiDetector();
    const errors: number[] = [];
    for (let i = 0; i < set.count; i++) {
      const framed = await sharp(cropBytes(set, i), { raw: { width: 150, height: 150, channels: 3 } })
        .extend({ top: pad, bottom: pad, left: pad, right: pad, background: '#000000' })
        .raw()
        .toBuffer();
      const [face] = await detector.detect({ data: framed, width: 150 + 2 * pad, height: 150 + 2 * pad });
      if (!face) continue;
      const found = faceAnchors(face.landmarks.map((p) => ({ x: p.x - pad, y: p.y - pad })));
      for (const k of ['leftEye', 'rightEye', 'mouth'] as const)
        errors.push(Math.hypot(found[k].x - CANONICAL[k].x, found[k].y - CANONICAL[k].y));
    }
    errors.sort((a, b) => a - b);
    assert.ok(errors.length >= 3 * 18, `faces found again on ${errors.length / 3} of ${set.count} crops`);
    assert.ok(errors[Math.floor(errors.length / 2)] < 3.5, `median ${errors[Math.floor(errors.length / 2)]} px`);
    assert.ok(errors[errors.length - 1] < 10, `worst ${errors[errors.length - 1]} px`);
  });

  it('conforms the crops to the model size and says what a folder did not use', async () => {
    const warnings: string[] = [];
    const set = (await loadDataSpec(
      { kind: 'face-photos', path: 'photos', minFaceSize: 80, severalFaces: 'skip' },
      { baseDir: dir, size: 32, channels: 1, seed: 1, onWarning: (m) => warnings.push(m) },
    )) as FaceSet;
    assert.deepEqual([set.count, set.height, set.width, set.channels], [1, 32, 32, 1]);
    assert.deepEqual(set.files, ['single.jpg']);
    assert.equal(set.persons, undefined);
    assert.equal(warnings.length, 1);
    for (const part of [
      '7 files, 1 used (1 face crops)',
      '1 no face (noface.png)',
      '1 several faces (group.jpg)',
      '1 face too small (tiny.jpg)',
      '1 unreadable (corrupt.jpg)',
      '2 not an image (notes.txt, fake.jpg)',
    ]) {
      assert.ok(warnings[0].includes(part), `${part} in ${warnings[0]}`);
    }
  });

  it('reports each reason with its files, uses the largest or all faces, and reads the second time from the cache', async () => {
    const base = tempDirFor('photos');
    const cache = () => new FaceCache(faceCacheRoot(base));
    const detector = countingDetector();
    const first = await loadFacePhotos(path.join(dir, 'photos'), { minFaceSize: 80, severalFaces: 'largest', cache: cache(), detector });
    const { report } = first;
    assert.deepEqual(report.skipped, {
      'no-face': ['noface.png'],
      'several-faces': [],
      'face-too-small': ['tiny.jpg'],
      unreadable: ['corrupt.jpg'],
      'not-an-image': ['notes.txt', 'fake.jpg'],
    });
    assert.deepEqual([report.files, report.used, report.crops, report.detected, report.cached], [7, 2, 2, 4, 0]);
    assert.deepEqual(first.set.files, ['group.jpg', 'single.jpg']);
    // The largest face of the group photo (box ~220 px) is not the one in single.jpg.
    assert.ok(first.set.boxes[0].width > 210, JSON.stringify(first.set.boxes[0]));
    assert.equal(detector.calls, 4);

    const again = await loadFacePhotos(path.join(dir, 'photos'), { minFaceSize: 80, severalFaces: 'all', cache: cache(), detector });
    assert.equal(detector.calls, 4, 'the second load detects nothing');
    assert.equal(again.report.cached, 6);
    assert.equal(again.set.count, 4);
    assert.deepEqual(cropBytes(again.set, 3), cropBytes(first.set, 1));
    assert.match(describeFaceReport(again.report), /0 detected, 6 from the cache/);
  });

  it('recomputes a damaged cache entry', async () => {
    const base = tempDirFor('damaged');
    const detector = countingDetector();
    const load = () =>
      loadFacePhotos(path.join(dir, 'people'), {
        minFaceSize: 80,
        severalFaces: 'largest',
        cache: new FaceCache(faceCacheRoot(base)),
        detector,
      });
    const first = await load();
    assert.equal(detector.calls, 3);
    const entries = fs.readdirSync(new FaceCache(faceCacheRoot(base)).dir, { recursive: true, encoding: 'utf8' });
    const json = entries.filter((f) => f.endsWith('.json'));
    const png = entries.filter((f) => f.endsWith('.png'));
    const root = new FaceCache(faceCacheRoot(base)).dir;
    fs.writeFileSync(path.join(root, json[0]), '{"outcome":');
    fs.writeFileSync(path.join(root, png[0]), Buffer.from('truncated'));
    const second = await load();
    // Two damaged files: one entry or two.
    const recomputed = (detector.calls as number) - 3;
    assert.ok(recomputed === 1 || recomputed === 2, `${recomputed} recomputed`);
    assert.equal(second.report.cacheRepaired, recomputed);
    assert.deepEqual(second.set.images, first.set.images);
    const third = await load();
    assert.equal(third.report.cacheRepaired, 0);
    assert.equal(third.report.cached, 3);
  });

  it('labels crops by person sub-folder, round-robin, and stops at count', async () => {
    const { set, report } = await loadFacePhotos(path.join(dir, 'people'), {
      minFaceSize: 80,
      severalFaces: 'largest',
      cache: new FaceCache(faceCacheRoot(tempDirFor('people'))),
      count: 2,
    });
    assert.deepEqual(set.personNames, ['alice', 'bob']);
    assert.deepEqual(set.files, [path.join('alice', 'a1.jpg'), path.join('bob', 'b1.jpg')]);
    assert.deepEqual(Array.from(set.persons!), [0, 1]);
    assert.equal(report.notNeeded, 1);
    assert.equal(set.labels, undefined, 'persons are not class labels');
  });

  it('refuses a folder in which no photo shows a usable face, listing why', async () => {
    await assert.rejects(
      loadFacePhotos(path.join(dir, 'photos'), {
        minFaceSize: 5000,
        severalFaces: 'all',
        cache: new FaceCache(faceCacheRoot(tempDirFor('none'))),
      }),
      (e: unknown) =>
        e instanceof DataError &&
        /no usable face in 6 photo/.test(e.message) &&
        /face too small/.test(e.message) &&
        /5000 px/.test(e.message),
    );
  });

  it('crops the largest face of one photo, or says why it cannot', async () => {
    const detector = countingDetector();
    const one = await cropFace(path.join(dir, 'photos', 'group.jpg'), { detector });
    assert.equal(one.image.length, 150 * 150 * 3);
    assert.equal(one.faces, 3);
    assert.ok(one.box.width > 210);
    const meta = await sharp(one.png).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 150, 150]);

    for (const [file, pattern] of [
      ['noface.png', /no face found\. Use a photo with one clearly visible face of at least 80 px/],
      ['tiny.jpg', /the largest face is \d\d px, smaller than 80 px/],
    ] as const) {
      const full = path.join(dir, 'photos', file);
      await assert.rejects(cropFace(full, { detector }), (e: unknown) => {
        assert.ok(e instanceof DtnError && e.code === 'FACE_NOT_FOUND', String(e));
        assert.equal(e.file, full);
        assert.ok(e.message.startsWith(full) && pattern.test(e.message), e.message);
        return true;
      });
    }
    await assert.rejects(
      cropFace(path.join(dir, 'photos', 'corrupt.jpg'), { detector }),
      (e: unknown) => e instanceof DataError && e.code === 'DATA_INVALID',
    );
  });

  /** A fresh base folder for a cache. */
  function tempDirFor(name: string): string {
    const d = path.join(tempDir(), name);
    fs.mkdirSync(d);
    return d;
  }
});
