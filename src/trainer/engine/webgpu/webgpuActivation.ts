/**
 * The gradient of ReLU and LeakyReLU in one WebGPU dispatch: dx = x > 0 ? dy : α·dy. tfjs builds
 * it from two or three kernels (step or greater, select, multiply), and a DTN step takes ~25 of
 * these gradients; on a GPU each dispatch costs more than the arithmetic.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, type TensorInfo } from '@tensorflow/tfjs-core';

const ACTIVATION_GRAD = 'DtnActivationGrad';
const THREADS = 256;

interface WebgpuBackendLike {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: 'float32', uniforms?: { type: 'float32'; data: number[] }[]): TensorInfo;
}

function gradProgram(shape: number[]) {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: ['dy', 'x'],
    outputShape: shape,
    shaderKey: 'dtnActivationGrad',
    dispatchLayout: { x: [...shape.keys()] },
    dispatch: [Math.ceil(size / THREADS), 1, 1] as [number, number, number],
    workgroupSize: [THREADS, 1, 1] as [number, number, number],
    size: true,
    uniforms: 'alpha : f32,',
    getUserCode: () => `
      fn main(index: i32) {
        if (index < uniforms.size) {
          let g = dy[index];
          result[index] = select(uniforms.alpha * g, g, x[index] > 0.0);
        }
      }`,
  };
}

/** Registers the kernel on the webgpu backend; calling it again does nothing. */
export function installWebgpuActivation(): void {
  if (getKernel(ACTIVATION_GRAD, 'webgpu')) return;
  registerKernel({
    kernelName: ACTIVATION_GRAD,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
      const alpha = (attrs as { alpha: number }).alpha;
      return (backend as unknown as WebgpuBackendLike).runWebGPUProgram(gradProgram(x.shape), [dy, x], 'float32', [
        { type: 'float32', data: [alpha] },
      ]);
    },
  });
}

/** max(x, αx) for 0 ≤ α < 1 (α = 0: ReLU), with the one-dispatch gradient. */
export function webgpuLeakyRelu<T extends tf.Tensor>(x: T, alpha: number): T {
  installWebgpuActivation();
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
