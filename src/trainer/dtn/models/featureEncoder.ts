/**
 * What the DTN needs of f, whichever network it is: the digits encoder this project pretrains
 * (models/encoder.ts), the face-identity network loaded from published weights
 * (models/faceRecognitionNet.ts), or a user's own TensorFlow.js Layers model (models/tfjsEncoder.ts).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardMode } from './layers';
import type { ParamStore } from './params';

export interface FeatureEncoder {
  /** f's parameters; frozen inside the DTN (g is trained, f never is). */
  readonly params: ParamStore;
  /** Side of the square images f reads. */
  readonly inputSize: number;
  readonly inputChannels: 1 | 3;
  /** Length of f(x). */
  readonly embeddingSize: number;
  /**
   * f(x): [B, H, W, C] with values in [-1, 1] -> [B, E]. Differentiable in x (L_CONST's gradient
   * flows through f(G(x))). Inputs of another size or channel count are converted first.
   */
  embed(x: tf.Tensor4D, mode?: ForwardMode): tf.Tensor2D;
}
