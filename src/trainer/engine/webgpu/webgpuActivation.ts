/**
 * The gradient of ReLU and LeakyReLU in one WebGPU dispatch: dx = x > 0 ? dy : α·dy. tfjs builds
 * it from two or three kernels (step or greater, select, multiply), and a DTN step takes ~25 of
 * these gradients; on a GPU each dispatch costs more than the arithmetic.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, unregisterKernel, type TensorInfo } from '@tensorflow/tfjs-core';
import { webgpuBackend, type WebgpuProgram } from './tfjsInternals';

const ACTIVATION_GRAD = 'DtnActivationGrad';
const THREADS = 256;

class GradProgram implements WebgpuProgram {
  readonly variableNames = ['dy', 'x'];
  readonly shaderKey = 'dtnActivationGrad';
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [THREADS, 1, 1];
  readonly size = true;
  readonly uniforms = 'alpha : f32,';

  constructor(readonly outputShape: number[]) {
    const size = outputShape.reduce((a, b) => a * b, 1);
    this.dispatchLayout = { x: [...outputShape.keys()] };
    this.dispatch = [Math.ceil(size / THREADS), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index: i32) {
        if (index < uniforms.size) {
          let g = dy[index];
          result[index] = select(uniforms.alpha * g, g, x[index] > 0.0);
        }
      }`;
  }
}

/** Registers the kernel on the webgpu backend (the engine does, unless kept stock); calling it again does nothing. */
export function installWebgpuActivation(): void {
  if (getKernel(ACTIVATION_GRAD, 'webgpu')) return;
  registerKernel({
    kernelName: ACTIVATION_GRAD,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
      const alpha = (attrs as { alpha: number }).alpha;
      return webgpuBackend(backend).runWebGPUProgram(new GradProgram(x.shape), [dy, x], 'float32', [{ type: 'float32', data: [alpha] }]);
    },
  });
}

export function uninstallWebgpuActivation(): void {
  if (getKernel(ACTIVATION_GRAD, 'webgpu')) unregisterKernel(ACTIVATION_GRAD, 'webgpu');
}

/** Whether the activations take the one-dispatch gradient: on webgpu, where the engine registered it. */
export function webgpuActivationInstalled(): boolean {
  return tf.getBackend() === 'webgpu' && getKernel(ACTIVATION_GRAD, 'webgpu') !== undefined;
}

/** max(x, αx) for 0 ≤ α < 1 (α = 0: ReLU), with the one-dispatch gradient. */
export function webgpuLeakyRelu<T extends tf.Tensor>(x: T, alpha: number): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([xIn]);
    return {
      value: alpha === 0 ? tf.relu(xIn) : tf.leakyRelu(xIn, alpha),
      gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => tf.engine().runKernel(ACTIVATION_GRAD, { dy, x: xs }, { alpha }) as tf.Tensor,
    };
  });
  return op(x) as T;
}
