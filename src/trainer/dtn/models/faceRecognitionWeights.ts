/**
 * FaceRecognitionNet's published weights (the npm package @vladmandic/face-api, model/
 * face_recognition_model*) read as data and folded into the parameters faceRecognitionNet.ts uses:
 * per conv, (conv(x, W) + b) * s + t becomes conv(x, W*s) + (b*s + t); the first conv also takes
 * in the package's input normalisation, so f reads this project's [-1, 1] images directly.
 */
import * as path from 'node:path';
import { faceApiModelDir as faceApiModelDirOf } from '../../data/faces/faceApiPackage';
import { biasName, faceConvSpecs, FaceRecognitionNet, FC_NAME, FC_SHAPE, STEM, kernelName, type FaceConvSpec } from './faceRecognitionNet';
import { ParamStore } from './params';
import { readTfjsWeights, type WeightValues } from './tfjsWeights';

const PACKAGE = '@vladmandic/face-api';
export const FACE_RECOGNITION_MANIFEST = 'face_recognition_model-weights_manifest.json';
const FIX = `Delete the downloaded ${PACKAGE} folder named above; the next faces command fetches it again (a checkout: \`npm install\`)`;

/** The package's normalisation of 0..255 RGB: (pixel - MEAN_RGB) / 255. */
const MEAN_RGB = [122.782, 117.001, 104.298];

/** The package's `model` folder: the installed package's, or the downloaded copy (see faceApiPackage.ts). */
export { faceApiModelDir } from '../../data/faces/faceApiPackage';

/** The package's tensor names and shapes: four per conv (filters, bias, scale weights and biases), then fc. */
function expectedTensors(): Map<string, number[]> {
  const expected = new Map<string, number[]>();
  for (const c of faceConvSpecs()) {
    expected.set(`${c.name}/conv/filters`, [c.size, c.size, c.inChannels, c.outChannels]);
    for (const t of ['conv/bias', 'scale/weights', 'scale/biases']) expected.set(`${c.name}/${t}`, [c.outChannels]);
  }
  expected.set('fc', [...FC_SHAPE]);
  return expected;
}

/**
 * x' = a*x + shift[ci] per input channel, before a valid conv: conv(x', W) = conv(x, a*W) + sum over
 * (kh, kw, ci) of W*shift[ci]. Exact only without zero padding, which the first conv has.
 */
interface InputAffine {
  a: number;
  shift: readonly number[];
}

/** [-1, 1] to the package's input: pixel = (x + 1) * 127.5, so x' = x/2 + (127.5 - mean)/255. */
const TO_PACKAGE_INPUT: InputAffine = { a: 0.5, shift: MEAN_RGB.map((m) => (127.5 - m) / 255) };

function foldConv(spec: FaceConvSpec, w: Map<string, WeightValues>, input?: InputAffine): { kernel: Float32Array; bias: Float32Array } {
  const filters = w.get(`${spec.name}/conv/filters`)!.values;
  const bias = w.get(`${spec.name}/conv/bias`)!.values;
  const scale = w.get(`${spec.name}/scale/weights`)!.values;
  const shift = w.get(`${spec.name}/scale/biases`)!.values;
  const co = spec.outChannels;
  const ci = spec.inChannels;
  // Accumulated in doubles, then stored once as float32.
  const inputBias = new Float64Array(co);
  const kernel = new Float32Array(filters.length);
  for (let i = 0; i < filters.length; i++) {
    const o = i % co;
    if (input) inputBias[o] += filters[i] * input.shift[Math.floor(i / co) % ci];
    kernel[i] = filters[i] * scale[o] * (input?.a ?? 1);
  }
  const folded = new Float32Array(co);
  for (let o = 0; o < co; o++) folded[o] = (bias[o] + inputBias[o]) * scale[o] + shift[o];
  return { kernel, bias: folded };
}

/**
 * f for faces, ready and frozen: the package's weights from `modelDir` (default: the installed
 * package's), validated and folded. Missing files are ENCODER_MISSING, damaged ones ENCODER_INVALID.
 */
export function loadFaceRecognitionNet(modelDir: string = faceApiModelDirOf()): FaceRecognitionNet {
  const weights = readTfjsWeights(path.join(modelDir, FACE_RECOGNITION_MANIFEST), expectedTensors(), FIX);
  const store = new ParamStore('f', 0);
  try {
    for (const spec of faceConvSpecs()) {
      const { kernel, bias } = foldConv(spec, weights, spec.name === STEM.name ? TO_PACKAGE_INPUT : undefined);
      store.values(kernelName(spec.name), [spec.size, spec.size, spec.inChannels, spec.outChannels], kernel);
      store.values(biasName(spec.name), [spec.outChannels], bias);
    }
    store.values(FC_NAME, [...FC_SHAPE], weights.get('fc')!.values);
    return new FaceRecognitionNet(store);
  } catch (e) {
    store.dispose();
    throw e;
  }
}
