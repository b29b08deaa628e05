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
import type { ThreadsChoice } from '../../shared/threads';
import { DtnError, type ErrorCode } from '../../shared/errors';
import { installCpuChannelOps } from './cpu/cpuChannelOps';
import * as os from 'node:os';
import { installFastCpuConv } from './cpu/cpuConv';
import { cpuCores } from './cpuCores';
import { startWasm } from './wasm/wasmStart';
import { installWasmConvGemm } from './wasm/wasmConvGemm';
import { installFastCpuConvBackpropFilter } from './cpu/cpuConvBackpropFilter';
import { installCpuTransform } from './cpu/cpuTransform';
import { installWebgpuConv, WEBGPU_CONV_KERNEL_NAMES } from './webgpu/webgpuConv';
import { installWebgpuBatchNorm, uninstallWebgpuBatchNorm } from './webgpu/webgpuBatchNorm';
import { installWebgpuActivation, uninstallWebgpuActivation } from './webgpu/webgpuActivation';
import { installAdamProgram, uninstallAdamProgram } from './webgpu/adamProgram';
import { ownKernel, readEngineSettings, type EngineSettings } from './flags';
import { createEngine, type Engine } from './engineContext';
import { checkWebgpuInternals, webgpuBackend } from './webgpu/tfjsInternals';

export interface BackendInfo {
  name: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  device: string;
  reason: string;
  /** webgpu: the adapter renders on the CPU (lavapipe, SwiftShader). */
  software?: boolean;
  /** wasm: the threads its kernels run on. */
  threads?: number;
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

async function tryWebgpu(settings: EngineSettings, problems: readonly { short: string; fix: string }[]): Promise<Engine> {
  // The webgpu backend is what reads the engine's flags: a value that names nothing stops it here.
  if (problems.length) throw new BackendError(problems[0].short, problems[0].fix);
  try {
    const g = globalThis as { navigator?: { gpu?: unknown } };
    if (!g.navigator?.gpu) {
      // Must exist before the webgpu backend module is loaded, or it never registers.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { create, globals } = require('webgpu') as { create(flags: string[]): unknown; globals: Record<string, unknown> };
      Object.assign(globalThis, globals);
      const navigator = { gpu: create([...settings.dawnFlags]) };
      Object.defineProperty(globalThis, 'navigator', { value: navigator, configurable: true, writable: true });
    }
    const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<GpuAdapterLike | null> } } }).navigator.gpu;
    const adapter = await gpu.requestAdapter();
    if (!adapter) throw new Error('no WebGPU adapter (no Vulkan driver found)');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('backend did not initialise');
    const info = adapter.info ?? {};
    const device = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    const software = /llvmpipe|lavapipe|swiftshader|cpu/i.test(device);
    const problem = checkWebgpuInternals(tf.backend());
    const engine = createEngine({ name: 'webgpu', device, reason: 'WebGPU adapter found', software }, settings, {
      ...(problem ? { problem } : { backend: webgpuBackend() }),
    });
    installWebgpuKernels(engine);
    engine.deviceHealth.watch(webgpuBackend().device);
    return engine;
  } catch (err) {
    throw new BackendError(
      `WebGPU is not available (${firstLine(err)})`,
      'Install a Vulkan driver (NVIDIA driver, or mesa-vulkan-drivers >= 25 for CPU), or choose --backend cpu',
    );
  }
}

/**
 * This project's WebGPU kernels for `engine`, except those DTN_STOCK_KERNELS keeps stock (those
 * are put back, should an earlier start have installed them).
 */
function installWebgpuKernels(engine: Engine): void {
  const own = (name: Parameters<typeof ownKernel>[1]) => ownKernel(engine.settings, name);
  installWebgpuConv(engine.convChoices, WEBGPU_CONV_KERNEL_NAMES.filter(own));
  if (own('BatchNorm')) installWebgpuBatchNorm();
  else uninstallWebgpuBatchNorm();
  if (own('Activation')) installWebgpuActivation();
  else uninstallWebgpuActivation();
  // Without the recording internals the optimiser falls back to tfjs's Adam.
  if (own('Adam') && engine.webgpu) installAdamProgram();
  else uninstallAdamProgram();
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

/**
 * The wasm backend (XNNPACK, SIMD where the runtime has it) with this project's GEMM convolution
 * gradients: several times the pure-JS backend's speed on conv training. `threads`: `auto` is the
 * physical cores.
 */
async function tryWasm(threads: ThreadsChoice): Promise<BackendInfo> {
  const cores = cpuCores();
  const requested = threads === 'auto' ? cores.physical : threads;
  try {
    const started = await startWasm(requested);
    installWasmConvGemm();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const cpu = os.cpus()[0]?.model?.trim() ?? 'CPU';
    const n = started.threads;
    const asked = threads === 'auto' ? `auto: ${cores.physical} physical of ${cores.logical} logical cores` : `--threads ${threads}`;
    return {
      name: 'wasm',
      device: `${cpu} (WebAssembly${simd ? ' SIMD' : ''}, ${n} thread${n === 1 ? '' : 's'})`,
      reason: `WebAssembly backend initialised; threads ${asked}${started.note ? `; ${started.note}` : ''}`,
      threads: n,
    };
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
  installCpuTransform();
  return { name: 'cpu', device: `${os.cpus()[0]?.model?.trim() ?? 'CPU'} (pure JS)`, reason };
}

/**
 * Selects and initialises the backend, and returns the engine started on it; throws BackendError
 * (with the fix) if an explicit choice fails. `threads` is for the wasm backend (the others size
 * their own thread pools).
 */
export async function initBackend(choice: BackendChoice, threads: ThreadsChoice = 'auto'): Promise<Engine> {
  // Production mode: no "install tfjs-node" banner and no debug-mode checks; the backend we use
  // and why is reported through BackendInfo instead.
  tf.env().set('PROD', true);
  const { settings, problems } = readEngineSettings();
  const engine = (info: BackendInfo) => createEngine(info, settings);
  switch (choice) {
    case 'cpu':
      return engine(await useCpu('requested with --backend cpu'));
    case 'tensorflow':
      return engine(await tryTensorflow());
    case 'webgpu':
      return tryWebgpu(settings, problems);
    case 'wasm':
      return engine(await tryWasm(threads));
    case 'auto': {
      const skipped: string[] = [];
      let cpuTensorflow: BackendInfo | undefined;
      try {
        const info = await tryTensorflow();
        if (info.device.includes('CUDA')) return engine({ ...info, reason: `auto: ${info.reason}` });
        cpuTensorflow = info;
        skipped.push(info.reason);
      } catch (err) {
        skipped.push(firstLine(err));
      }
      try {
        const webgpu = await tryWebgpu(settings, problems);
        const info = webgpu.backend;
        if (!info.software) return { ...webgpu, backend: { ...info, reason: `auto: hardware ${info.reason}; ${skipped.join('; ')}` } };
        skipped.push(`WebGPU adapter is a software renderer (${info.device})`);
      } catch (err) {
        skipped.push(firstLine(err));
      }
      if (cpuTensorflow && (await tf.setBackend('tensorflow'))) {
        return engine({ ...cpuTensorflow, reason: `auto: no GPU backend, libtensorflow on CPU (${skipped.join('; ')})` });
      }
      try {
        const info = await tryWasm(threads);
        return engine({ ...info, reason: `auto: no GPU backend, WebAssembly on CPU (${skipped.join('; ')})` });
      } catch (err) {
        skipped.push(firstLine(err));
      }
      return engine(await useCpu(`auto: no GPU backend (${skipped.join('; ')})`));
    }
  }
}

function firstLine(err: unknown): string {
  if (err instanceof BackendError) return err.short;
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}
