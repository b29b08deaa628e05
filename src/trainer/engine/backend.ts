/**
 * Compute backends. `tensorflow` = libtensorflow through @tensorflow/tfjs-node-gpu or tfjs-node
 * (optional dependencies: only present where their native download worked); `webgpu` = the tfjs
 * WebGPU backend over Dawn (the `webgpu` package); `cpu` = pure JS. `auto` tries them fastest
 * first and records why it settled where it did.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendChoice } from '../../shared/config';
import { DtnError, type ErrorCode } from '../../shared/errors';
import { installCpuChannelOps } from './cpu/cpuChannelOps';
import * as os from 'node:os';
import * as path from 'node:path';
import { installFastCpuConv } from './cpu/cpuConv';
import { installWasmConvGemm } from './wasm/wasmConvGemm';
import { installFastCpuConvBackpropFilter } from './cpu/cpuConvBackpropFilter';
import { installWebgpuConv, WEBGPU_CONV_KERNELS, type WebgpuConvKernel } from './webgpu/webgpuConv';
import { installWebgpuBatchNorm } from './webgpu/webgpuBatchNorm';
import { installWebgpuActivation } from './webgpu/webgpuActivation';
import { installWebgpuAdam } from './webgpu/fusedAdam';
import { convTuneSetting, customWebgpuKernel, SWITCHABLE, unknownStockKernels } from './webgpu/webgpuSwitches';

export interface BackendInfo {
  name: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  device: string;
  reason: string;
  /** webgpu: the adapter renders on the CPU (lavapipe, SwiftShader). */
  software?: boolean;
}

export class BackendError extends DtnError {
  declare readonly fix: string;

  constructor(
    readonly short: string,
    fix: string,
    code: Extract<ErrorCode, 'BACKEND_UNAVAILABLE' | 'DEVICE_FAILED'> = 'BACKEND_UNAVAILABLE',
  ) {
    super(code, `${short}. ${fix}`, { fix });
    this.name = 'BackendError';
  }
}

/**
 * The CUDA build of libtensorflow loads on machines without a usable GPU (no driver, CUDA other
 * than 11.2, no cuDNN 8.1) and then quietly runs on the CPU; only its backend knows. `auto` treats
 * that case as libtensorflow on CPU and goes on looking for a GPU.
 */
export function describeTensorflow(pkg: string, usingGpu: boolean | undefined): BackendInfo {
  if (pkg.endsWith('-gpu') && usingGpu)
    return { name: 'tensorflow', device: 'libtensorflow (CUDA)', reason: `${pkg} loaded and found a CUDA GPU` };
  const why = pkg.endsWith('-gpu') ? `${pkg} loaded but found no CUDA GPU (it needs CUDA 11.2 and cuDNN 8.1)` : `${pkg} loaded`;
  return { name: 'tensorflow', device: 'libtensorflow (CPU)', reason: why };
}

async function tryTensorflow(): Promise<BackendInfo> {
  const tried: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(pkg);
      if (!(await tf.setBackend('tensorflow'))) throw new Error('backend did not initialise');
      return describeTensorflow(pkg, (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice);
    } catch (err) {
      const msg = firstLine(err);
      tried.push(msg.startsWith('Cannot find module') ? `${pkg} not installed` : `${pkg}: ${msg}`);
    }
  }
  throw new BackendError(
    `libtensorflow is not available (${tried.join('; ')})`,
    'Install @tensorflow/tfjs-node-gpu (CUDA 11.2 + cuDNN 8.1) or @tensorflow/tfjs-node, or choose --backend webgpu|cpu',
  );
}

async function tryWebgpu(): Promise<BackendInfo & { software: boolean }> {
  const unknown = unknownStockKernels();
  if (unknown.length) {
    throw new BackendError(
      `DTN_STOCK_KERNELS names ${unknown.join(', ')}, which is not a switch`,
      `Use all, or a comma-separated list of ${SWITCHABLE.join(', ')}`,
    );
  }
  const { invalid } = convTuneSetting();
  if (invalid !== undefined) {
    throw new BackendError(
      `DTN_CONV_TUNE is "${invalid}"`,
      'Set it to 1 (tune the conv kernels on this device), 0 (default layouts) or leave it unset',
    );
  }
  try {
    const g = globalThis as { navigator?: { gpu?: unknown } };
    if (!g.navigator?.gpu) {
      // Must exist before the webgpu backend module is loaded, or it never registers.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { create, globals } = require('webgpu') as { create(flags: string[]): unknown; globals: Record<string, unknown> };
      Object.assign(globalThis, globals);
      // DTN_DAWN_FLAGS: comma-separated flags for Dawn (e.g. enable-dawn-features=disable_robustness),
      // to measure such settings on a GPU without a code change.
      const flags = (process.env.DTN_DAWN_FLAGS ?? '').split(',').filter(Boolean);
      Object.defineProperty(globalThis, 'navigator', { value: { gpu: create(flags) }, configurable: true, writable: true });
    }
    const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<GpuAdapterLike | null> } } }).navigator.gpu;
    const adapter = await gpu.requestAdapter();
    if (!adapter) throw new Error('no WebGPU adapter (no Vulkan driver found)');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('backend did not initialise');
    installWebgpuKernels();
    watchDeviceErrors();
    const info = adapter.info ?? {};
    const device = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    const software = /llvmpipe|lavapipe|swiftshader|cpu/i.test(device);
    return { name: 'webgpu', device, reason: 'WebGPU adapter found', software };
  } catch (err) {
    throw new BackendError(
      `WebGPU is not available (${firstLine(err)})`,
      'Install a Vulkan driver (NVIDIA driver, or mesa-vulkan-drivers >= 25 for CPU), or choose --backend cpu',
    );
  }
}

let deviceError: string | undefined;

/**
 * A WebGPU validation or out-of-memory error does not throw: the failed work silently leaves
 * zeros behind. Remember the first one so the training loop can stop with it instead of training
 * on garbage.
 */
function watchDeviceErrors(): void {
  const device = (tf.backend() as unknown as { device?: { onuncapturederror: ((e: { error: { message: string } }) => void) | null } })
    .device;
  if (!device) return;
  deviceError = undefined;
  device.onuncapturederror = (e) => {
    deviceError ??= e.error.message.split('\n')[0];
  };
}

/** Throws if the GPU reported an error since the backend started. */
export function assertDeviceHealthy(): void {
  if (deviceError === undefined) return;
  throw new BackendError(
    `the GPU rejected work (${deviceError})`,
    'Results since then are invalid. Rerun with DTN_STOCK_KERNELS=all to use only the stock WebGPU kernels, or with --backend wasm, and report the message',
    'DEVICE_FAILED',
  );
}

/** This project's WebGPU kernels, except those DTN_STOCK_KERNELS keeps stock. */
function installWebgpuKernels(): void {
  installWebgpuConv((Object.keys(WEBGPU_CONV_KERNELS) as WebgpuConvKernel[]).filter(customWebgpuKernel));
  installWebgpuBatchNorm();
  installWebgpuActivation();
  installWebgpuAdam();
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

/**
 * The wasm backend (XNNPACK, SIMD where the runtime has it) with this project's GEMM convolution
 * gradients: several times the pure-JS backend's speed on conv training.
 */
async function tryWasm(): Promise<BackendInfo> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    const dir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths(`${dir}${path.sep}`);
    if (!(await tf.setBackend('wasm'))) throw new Error('backend did not initialise');
    installWasmConvGemm();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const cpu = os.cpus()[0]?.model?.trim() ?? 'CPU';
    return { name: 'wasm', device: `${cpu} (WebAssembly${simd ? ' SIMD' : ''})`, reason: 'WebAssembly backend initialised' };
  } catch (err) {
    throw new BackendError(
      `the WebAssembly backend is not available (${firstLine(err)})`,
      'Reinstall dependencies (npm install) or choose --backend cpu',
    );
  }
}

async function useCpu(reason: string): Promise<BackendInfo> {
  await tf.setBackend('cpu');
  installFastCpuConvBackpropFilter();
  installCpuChannelOps();
  installFastCpuConv();
  return { name: 'cpu', device: `${os.cpus()[0]?.model?.trim() ?? 'CPU'} (pure JS)`, reason };
}

/** Selects and initialises the backend; throws BackendError (with the fix) if an explicit choice fails. */
export async function initBackend(choice: BackendChoice): Promise<BackendInfo> {
  // Production mode: no "install tfjs-node" banner and no debug-mode checks; the backend we use
  // and why is reported through BackendInfo instead.
  tf.env().set('PROD', true);
  switch (choice) {
    case 'cpu':
      return useCpu('requested with --backend cpu');
    case 'tensorflow':
      return tryTensorflow();
    case 'webgpu':
      return tryWebgpu();
    case 'wasm':
      return tryWasm();
    case 'auto': {
      const skipped: string[] = [];
      let cpuTensorflow: BackendInfo | undefined;
      try {
        const info = await tryTensorflow();
        if (info.device.includes('CUDA')) return { ...info, reason: `auto: ${info.reason}` };
        cpuTensorflow = info;
        skipped.push(info.reason);
      } catch (err) {
        skipped.push(firstLine(err));
      }
      try {
        const info = await tryWebgpu();
        if (!info.software) return { ...info, reason: `auto: hardware ${info.reason}; ${skipped.join('; ')}` };
        skipped.push(`WebGPU adapter is a software renderer (${info.device})`);
      } catch (err) {
        skipped.push(firstLine(err));
      }
      if (cpuTensorflow && (await tf.setBackend('tensorflow'))) {
        return { ...cpuTensorflow, reason: `auto: no GPU backend, libtensorflow on CPU (${skipped.join('; ')})` };
      }
      try {
        const info = await tryWasm();
        return { ...info, reason: `auto: no GPU backend, WebAssembly on CPU (${skipped.join('; ')})` };
      } catch (err) {
        skipped.push(firstLine(err));
      }
      return useCpu(`auto: no GPU backend (${skipped.join('; ')})`);
    }
  }
}

function firstLine(err: unknown): string {
  if (err instanceof BackendError) return err.short;
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}
