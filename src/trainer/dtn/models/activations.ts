/** The networks' activations: stock tfjs ops, with a one-dispatch gradient on WebGPU. */
import * as tf from '@tensorflow/tfjs-core';
import { webgpuActivationInstalled, webgpuLeakyRelu } from '../../engine/webgpu/webgpuActivation';

/**
 * Whether this project's activation kernels are in use (batch norm folds the activation in only
 * then): the engine registers them on webgpu unless DTN_STOCK_KERNELS keeps Activation stock.
 */
export const customActivation = webgpuActivationInstalled;

export function relu<T extends tf.Tensor>(x: T): T {
  return customActivation() ? webgpuLeakyRelu(x, 0) : tf.relu(x);
}

export function leakyRelu<T extends tf.Tensor>(x: T, alpha: number): T {
  return customActivation() ? webgpuLeakyRelu(x, alpha) : tf.leakyRelu(x, alpha);
}

/** Leaky ReLU with slope `alpha` after a layer; `alpha` 0 is ReLU (tfjs's own op, not leakyRelu(x, 0)). */
export interface Activation {
  alpha: number;
}

export function activate<T extends tf.Tensor>(x: T, { alpha }: Activation): T {
  return alpha === 0 ? relu(x) : leakyRelu(x, alpha);
}
