import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { DtnError } from '../../../../src/shared/errors';
import { decodeImage } from '../../../../src/trainer/data/imageDecode';
import { FACE_RECOGNITION_NET, type FaceRecognitionNet } from '../../../../src/trainer/dtn/models/faceRecognitionNet';
import {
  FACE_RECOGNITION_MANIFEST,
  faceApiModelDir,
  loadFaceRecognitionNet,
} from '../../../../src/trainer/dtn/models/faceRecognitionWeights';
import { initBackend } from '../../../../src/trainer/engine/backend';
import { cleanTempDirs, tempDir } from '../../data/tmp';

/** The package's own network, as its Node build exposes it (it runs on the tfjs-core this process uses). */
interface PackageNet {
  loadFromDisk(dir: string): Promise<void>;
  forward(input: tf.Tensor3D[]): Promise<tf.Tensor2D>;
  dispose(): void;
}

function packageNet(): PackageNet {
  // The wasm build needs @tensorflow/tfjs (the same tfjs-core) and registers, but does not start, the wasm backend.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as { FaceRecognitionNet: new () => PackageNet };
  return new faceapi.FaceRecognitionNet();
}

const DEMO = path.join(faceApiModelDir(), '..', 'demo');

/**
 * Faces in the package's demo photos, found once with face-api's SSD detector: [x, y, width, height].
 * No one appears in two photos, so "the same person" is a second crop of face `a` (shifted, brighter).
 */
const FACES: Record<string, { photo: string; box: [number, number, number, number]; shift?: number; brightness?: number }> = {
  a: { photo: 'sample1.jpg', box: [414, 355, 177, 240] },
  a2: { photo: 'sample1.jpg', box: [414, 355, 177, 240], shift: 0.04, brightness: 1.1 },
  b: { photo: 'sample1.jpg', box: [838, 421, 186, 228] },
  c: { photo: 'sample3.jpg', box: [585, 329, 199, 271] },
  d: { photo: 'sample6.jpg', box: [1180, 305, 188, 280] },
};
const NAMES = Object.keys(FACES);

/** A square crop around the face, written as PNG and read back by the project's image reader. */
async function face(name: string, dir: string, size: number): Promise<Float32Array> {
  const { photo, box, shift = 0, brightness = 1 } = FACES[name];
  const [x, y, w, h] = box;
  const side = Math.round(1.2 * Math.max(w, h));
  const left = Math.round(x + w / 2 - side / 2 + shift * side);
  const top = Math.round(y + h / 2 - side / 2 + shift * side);
  const file = path.join(dir, `${name}.png`);
  await sharp(path.join(DEMO, photo)).extract({ left, top, width: side, height: side }).modulate({ brightness }).png().toFile(file);
  return decodeImage(file, { size, channels: 3 });
}

async function faces(dir: string, size: number): Promise<tf.Tensor4D> {
  const images = await Promise.all(NAMES.map((n) => face(n, dir, size)));
  const flat = new Float32Array(images.length * size * size * 3);
  images.forEach((im, i) => flat.set(im, i * im.length));
  return tf.tensor4d(flat, [images.length, size, size, 3]);
}

/** The package's descriptors of the same images: its input is 0..255 RGB, ours [-1, 1]. */
async function packageDescriptors(net: PackageNet, x: tf.Tensor4D): Promise<Float32Array> {
  const pixels = tf.tidy(() => tf.unstack(tf.mul(tf.add(x, 1), 127.5)) as tf.Tensor3D[]);
  const out = await net.forward(pixels);
  const values = (await out.data()) as Float32Array;
  tf.dispose([out, ...pixels]);
  return values;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function distance(d: Float32Array, i: number, j: number): number {
  let s = 0;
  for (let k = 0; k < 128; k++) s += (d[i * 128 + k] - d[j * 128 + k]) ** 2;
  return Math.sqrt(s);
}

/** L_CONST's shape, mean squared distance of f(x) to fixed descriptors, differentiated in x (64x64: resized). */
function assertGradient(net: FaceRecognitionNet, faces: tf.Tensor4D): void {
  tf.tidy(() => {
    const x = tf.image.resizeBilinear(tf.slice(faces, 0, 2), [64, 64]);
    const target = net.embed(tf.slice(faces, 2, 2));
    const dx = tf.grad((v: tf.Tensor) => tf.mean(tf.squaredDifference(net.embed(v as tf.Tensor4D), target)))(x);
    assert.deepEqual(dx.shape, x.shape);
    const g = dx.dataSync();
    assert.ok(
      g.every((v) => Number.isFinite(v)),
      'non-finite gradient',
    );
    const nonZero = g.filter((v) => v !== 0).length;
    assert.ok(nonZero > 0.9 * g.length, `${nonZero} of ${g.length} gradient entries are non-zero`);
  });
}

describe('FaceRecognitionNet (f for faces)', () => {
  let f: FaceRecognitionNet;
  let reference: PackageNet;
  let x150: tf.Tensor4D;
  let ours: Float32Array;

  before(async () => {
    await initBackend('cpu');
    f = loadFaceRecognitionNet();
    reference = packageNet();
    await reference.loadFromDisk(faceApiModelDir());
    x150 = await faces(tempDir('dtn-faces-'), FACE_RECOGNITION_NET.inputSize);
    ours = (await f.embed(x150).data()) as Float32Array;
  });

  after(() => {
    f.params.dispose();
    reference.dispose();
    x150.dispose();
    cleanTempDirs();
  });

  it("matches the package's own FaceRecognitionNet on the demo photos' faces", async () => {
    const theirs = await packageDescriptors(reference, x150);
    const diff = maxAbsDiff(ours, theirs);
    let scale = 0;
    for (const v of theirs) scale = Math.max(scale, Math.abs(v));
    console.log(`      max difference over ${NAMES.length} faces x 128: ${diff.toExponential(2)} (largest |value| ${scale.toFixed(3)})`);
    assert.ok(diff < 1e-4, `max difference ${diff}`);
  });

  it('prepares other sizes as the package does: centred on black if not square, resized bilinearly', async () => {
    const x = tf.tidy(() => tf.slice(tf.image.resizeBilinear(x150, [176, 176]), [0, 0, 0, 0], [2, 176, 161, 3]));
    const ourValues = await f.embed(x).data();
    const diff = maxAbsDiff(ourValues, await packageDescriptors(reference, x));
    x.dispose();
    console.log(`      max difference at 176x161: ${diff.toExponential(2)}`);
    assert.ok(diff < 1e-4, `max difference ${diff}`);
  });

  it('gives [B, 128] descriptors; a face is nearer a second crop of itself than other people, and nothing leaks', () => {
    const before = tf.memory().numTensors;
    const pair = tf.slice(x150, 0, 2);
    const y = f.embed(pair);
    assert.deepEqual(y.shape, [2, FACE_RECOGNITION_NET.embeddingSize]);
    tf.dispose([pair, y]);
    assert.equal(tf.memory().numTensors, before);
    const same = distance(ours, 0, 1);
    const others = [2, 3, 4].map((j) => distance(ours, 0, j));
    console.log(`      distance a-a' ${same.toFixed(3)}, a-others ${others.map((d) => d.toFixed(3)).join(', ')}`);
    assert.ok(
      others.every((d) => d > same),
      `same ${same}, others ${others}`,
    );
  });

  it('reads grey input as its replication to RGB', () => {
    tf.tidy(() => {
      const grey = tf.mean(tf.slice(x150, 0, 2), 3, true) as tf.Tensor4D;
      const diff = maxAbsDiff(f.embed(grey).dataSync(), f.embed(tf.tile(grey, [1, 1, 1, 3])).dataSync());
      assert.ok(diff < 1e-4, `max difference ${diff}`);
    });
  });

  it('passes finite, non-zero gradients back to its input, through the resize', () => {
    assertGradient(f, x150);
  });

  it('gives the same descriptors and gradients on wasm', async () => {
    await initBackend('wasm');
    const onWasm = loadFaceRecognitionNet();
    try {
      const diff = maxAbsDiff(await onWasm.embed(x150).data(), ours);
      console.log(`      max difference wasm - cpu: ${diff.toExponential(2)}`);
      assert.ok(diff < 1e-4, `max difference ${diff}`);
      assertGradient(onWasm, x150);
    } finally {
      onWasm.params.dispose();
      await initBackend('cpu');
    }
  });
});

describe('loadFaceRecognitionNet (weights as data)', () => {
  const source = faceApiModelDir();
  const bin = 'face_recognition_model.bin';

  function copyModel(edit?: (manifest: Array<{ weights: Array<{ name: string; shape: number[] }> }>) => void, binBytes?: number): string {
    const dir = tempDir('dtn-face-weights-');
    const manifest = JSON.parse(fs.readFileSync(path.join(source, FACE_RECOGNITION_MANIFEST), 'utf8'));
    edit?.(manifest);
    fs.writeFileSync(path.join(dir, FACE_RECOGNITION_MANIFEST), JSON.stringify(manifest));
    const bytes = fs.readFileSync(path.join(source, bin));
    fs.writeFileSync(path.join(dir, bin), binBytes === undefined ? bytes : bytes.subarray(0, binBytes));
    return dir;
  }

  function assertRefused(dir: string, code: 'ENCODER_INVALID' | 'ENCODER_MISSING', file: string, says: RegExp): void {
    const tensors = tf.memory().numTensors;
    assert.throws(
      () => loadFaceRecognitionNet(dir),
      (e: unknown) => {
        assert.ok(e instanceof DtnError, String(e));
        assert.equal(e.code, code);
        assert.equal(e.file, path.join(dir, file));
        assert.match(e.message, says);
        assert.ok(e.message.includes(path.join(dir, file)), e.message);
        assert.match(e.fix ?? '', /Delete the downloaded @vladmandic\/face-api folder named above; the next faces command fetches/);
        return true;
      },
    );
    assert.equal(tf.memory().numTensors, tensors, 'tensors were allocated before the check');
  }

  before(async () => {
    await initBackend('cpu');
  });

  after(cleanTempDirs);

  it('refuses a manifest with a wrong shape, naming the manifest and the tensor', () => {
    const dir = copyModel((m) => {
      m[0].weights[0].shape = [7, 7, 3, 16];
    });
    assertRefused(dir, 'ENCODER_INVALID', FACE_RECOGNITION_MANIFEST, /conv32_down\/conv\/filters.*\[7,7,3,16\].*\[7,7,3,32\]/);
  });

  it('refuses a truncated .bin before reading it, naming the .bin', () => {
    const size = fs.statSync(path.join(source, bin)).size;
    assertRefused(copyModel(undefined, size - 100), 'ENCODER_INVALID', bin, new RegExp(`${size - 100} bytes.*${size}`));
  });

  it('refuses a manifest that is not a weights manifest, and a shard path outside the folder', () => {
    assertRefused(
      copyModel((m) => {
        (m[0] as { paths?: unknown }).paths = ['../face_recognition_model.bin'];
      }),
      'ENCODER_INVALID',
      FACE_RECOGNITION_MANIFEST,
      /0\.paths\.0/,
    );
  });

  it('reports missing files as ENCODER_MISSING', () => {
    const dir = copyModel();
    fs.rmSync(path.join(dir, bin));
    assertRefused(dir, 'ENCODER_MISSING', bin, /not found/);
    assertRefused(tempDir('dtn-face-weights-'), 'ENCODER_MISSING', FACE_RECOGNITION_MANIFEST, /not found/);
  });
});
