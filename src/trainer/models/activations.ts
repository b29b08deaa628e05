/** The networks' activations: stock tfjs ops, with a one-dispatch gradient on WebGPU. */
import * as tf from '@tensorflow/tfjs-core';
import { webgpuLeakyRelu } from '../kernels/webgpuActivation';
import { customWebgpuKernel } from '../kernels/webgpuSwitches';

const fused = () => tf.getBackend() === 'webgpu' && customWebgpuKernel('Activation');

export function relu<T extends tf.Tensor>(x: T): T {
  return fused() ? webgpuLeakyRelu(x, 0) : tf.relu(x);
}

export function leakyRelu<T extends tf.Tensor>(x: T, alpha: number): T {
  return fused() ? webgpuLeakyRelu(x, alpha) : tf.leakyRelu(x, alpha);
}
