/**
 * f for faces: FaceRecognitionNet, the 128-D face descriptor network of dlib's face recognition
 * example as published in @vladmandic/face-api, written in tfjs-core ops so that L_CONST's gradient
 * flows through f(G(x)) on every backend. Weights: faceRecognitionWeights.ts.
 *
 * A ResNet: 7x7/2 conv, 3x3/2 max pool, 14 residual blocks (four of them halve the size), global
 * average pool, a 256 -> 128 linear map. In the published weights every conv has a bias and is
 * followed by a per-channel scale layer (a frozen batch norm's affine); the loader folds both into
 * one kernel and bias per conv, and the package's input normalisation into the first conv, so a
 * layer here is one conv and one bias add.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DtnError } from '../../../shared/errors';
import { relu } from './activations';
import type { FeatureEncoder } from './featureEncoder';
import type { ParamStore } from './params';

export const FACE_RECOGNITION_NET = {
  name: 'face-recognition-net',
  inputSize: 150,
  inputChannels: 3,
  embeddingSize: 128,
  weights: '@vladmandic/face-api: model/face_recognition_model',
  /** As @vladmandic/face-api's TUTORIAL.md states for these weights (trained by dlib's author). */
  accuracy: { benchmark: 'LFW', percent: 99.38 },
} as const;

/** One convolution of the network, by the name the published weights give its layer. */
export interface FaceConvSpec {
  name: string;
  size: number;
  inChannels: number;
  outChannels: number;
}

interface BlockSpec {
  name: string;
  channels: number;
  /** Halves the size (stride-2 first conv, 2x2 average-pooled shortcut) and may widen. */
  down: boolean;
}

export const STEM: FaceConvSpec = { name: 'conv32_down', size: 7, inChannels: 3, outChannels: 32 };

const BLOCKS: readonly BlockSpec[] = [
  ...[1, 2, 3].map((i) => ({ name: `conv32_${i}`, channels: 32, down: false })),
  { name: 'conv64_down', channels: 64, down: true },
  ...[1, 2, 3].map((i) => ({ name: `conv64_${i}`, channels: 64, down: false })),
  { name: 'conv128_down', channels: 128, down: true },
  ...[1, 2].map((i) => ({ name: `conv128_${i}`, channels: 128, down: false })),
  { name: 'conv256_down', channels: 256, down: true },
  ...[1, 2].map((i) => ({ name: `conv256_${i}`, channels: 256, down: false })),
  { name: 'conv256_down_out', channels: 256, down: true },
];

export const FC_SHAPE: readonly [number, number] = [256, FACE_RECOGNITION_NET.embeddingSize];

/** Every convolution in order: the stem, then each block's conv1 and conv2. */
export function faceConvSpecs(): FaceConvSpec[] {
  const specs = [STEM];
  let c = STEM.outChannels;
  for (const b of BLOCKS) {
    specs.push({ name: `${b.name}/conv1`, size: 3, inChannels: c, outChannels: b.channels });
    specs.push({ name: `${b.name}/conv2`, size: 3, inChannels: b.channels, outChannels: b.channels });
    c = b.channels;
  }
  return specs;
}

/** Parameter names (under the store's prefix) of a conv's folded kernel and bias, and of the linear map. */
export const kernelName = (conv: string): string => `${conv}/kernel`;
export const biasName = (conv: string): string => `${conv}/bias`;
export const FC_NAME = 'fc/kernel';

interface ConvParams {
  kernel: tf.Tensor4D;
  bias: tf.Tensor1D;
}

function conv(x: tf.Tensor4D, p: ConvParams, stride: 1 | 2, padding: 'same' | 'valid', kernel = p.kernel): tf.Tensor4D {
  return tf.add(tf.conv2d(x, kernel, stride, padding), p.bias);
}

export class FaceRecognitionNet implements FeatureEncoder {
  readonly inputSize = FACE_RECOGNITION_NET.inputSize;
  readonly inputChannels = FACE_RECOGNITION_NET.inputChannels;
  readonly embeddingSize = FACE_RECOGNITION_NET.embeddingSize;
  private readonly stem: ConvParams;
  private readonly blocks: Array<{ down: boolean; conv1: ConvParams; conv2: ConvParams }>;
  private readonly fc: tf.Tensor2D;

  /** `params` holds the folded parameters (faceRecognitionWeights.ts builds it); they are frozen here. */
  constructor(readonly params: ParamStore) {
    const get = (name: string, shape: readonly number[]): tf.Variable => {
      const key = `${params.prefix}/${name}`;
      const v = params.trainable.get(key);
      if (!v || v.shape.join('x') !== shape.join('x')) {
        const found = v ? `shape [${v.shape}]` : 'nothing';
        throw new DtnError('ENCODER_INVALID', `FaceRecognitionNet needs ${key} of shape [${shape}], found ${found}`);
      }
      return v;
    };
    const convParams = (s: FaceConvSpec): ConvParams => ({
      kernel: get(kernelName(s.name), [s.size, s.size, s.inChannels, s.outChannels]) as tf.Tensor4D,
      bias: get(biasName(s.name), [s.outChannels]) as tf.Tensor1D,
    });
    const specs = faceConvSpecs();
    this.stem = convParams(specs[0]);
    this.blocks = BLOCKS.map((b, i) => ({ down: b.down, conv1: convParams(specs[1 + 2 * i]), conv2: convParams(specs[2 + 2 * i]) }));
    this.fc = get(FC_NAME, FC_SHAPE) as tf.Tensor2D;
    params.freeze();
  }

  /**
   * f(x): [B, H, W, 1 or 3] in [-1, 1] -> [B, 128], the package's descriptor of the same image.
   * No batch statistics, so the forward mode does not matter.
   */
  embed(x: tf.Tensor4D): tf.Tensor2D {
    const channels = x.shape[3];
    if (channels !== 1 && channels !== 3) throw new Error(`FaceRecognitionNet expects 1 or 3 channels, got ${channels}`);
    return tf.tidy(() => {
      // Grey input stands for its replication to RGB: conv(replicate(x), W) = conv(x, sum of W over
      // input channels), exactly, without the replicated image or its gradient.
      const stemKernel = channels === 1 ? (tf.sum(this.stem.kernel, 2, true) as tf.Tensor4D) : this.stem.kernel;
      let h = relu(conv(this.fitInput(x), this.stem, 2, 'valid', stemKernel));
      h = tf.maxPool(h, 3, 2, 'valid');
      for (const b of this.blocks) {
        const r = conv(relu(conv(h, b.conv1, b.down ? 2 : 1, b.down ? 'valid' : 'same')), b.conv2, 1, 'same');
        h = relu(b.down ? addShortcutDown(h, r) : tf.add(r, h));
      }
      return tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, this.fc);
    });
  }

  /**
   * As the package prepares an image tensor: centred on a black square if not square (black is -1
   * here), then resized bilinearly (no corner alignment, no half-pixel centres) to 150x150.
   */
  private fitInput(x: tf.Tensor4D): tf.Tensor4D {
    const [, h, w] = x.shape;
    let sq = x;
    if (h !== w) {
      const diff = Math.abs(h - w);
      const after = Math.round(diff / 2);
      const pad: [number, number] = [diff - after, after];
      sq = tf.pad(x, h > w ? [[0, 0], [0, 0], pad, [0, 0]] : [[0, 0], pad, [0, 0], [0, 0]], -1);
    }
    const size = this.inputSize;
    return sq.shape[1] === size ? sq : tf.image.resizeBilinear(sq, [size, size], false, false);
  }
}

/**
 * A down block's residual plus its shortcut: x average-pooled 2x2 and zero-padded to the residual's
 * channels. Where the residual comes out smaller (odd sizes: 8 -> 3 against 4), the package
 * zero-pads the residual at the bottom and right to the shortcut's size.
 */
function addShortcutDown(x: tf.Tensor4D, residual: tf.Tensor4D): tf.Tensor4D {
  const pooled = tf.avgPool(x, 2, 2, 'valid');
  const [, ph, pw, pc] = pooled.shape;
  const [, rh, rw, rc] = residual.shape;
  const r =
    rh === ph && rw === pw
      ? residual
      : tf.pad(residual, [
          [0, 0],
          [0, ph - rh],
          [0, pw - rw],
          [0, 0],
        ]);
  const shortcut =
    pc === rc
      ? pooled
      : tf.pad(pooled, [
          [0, 0],
          [0, 0],
          [0, 0],
          [0, rc - pc],
        ]);
  return tf.add(r, shortcut);
}
