/**
 * What a started backend is: its description, the settings it started with, the conv layouts it
 * chose, and the GPU's health. initBackend creates one; callers pass it on (StepRunner, conv
 * tuning), and the kernels registered for it capture it when they are registered.
 *
 * Module-level state that remains in src/trainer, and why:
 *  - tfjs's own registries (kernels, flags, backends, tf.env()) are process-wide by design; the
 *    engine's kernels and flags live there (flags.ts, backend.ts).
 *  - overrideKernel.ts: the stock kernel each override replaced, per backend/kernel: the kernel
 *    registry is process-wide, so the stock function it displaced is too.
 *  - webgpu/adamProgram.ts: the Adam pipeline per GPU device (WeakMap) and the set of those
 *    pipelines (WeakSet, for the replayed step): caches of a pure function of the device, freed with it.
 *  - data/syntheticDigits.ts: the fonts, loaded once: a cache of files that do not change.
 *  - the wasm backend's thread pool (wasm/wasmStart.ts): tfjs starts a backend once per process,
 *    so its thread count is the first start's; BackendInfo.threads reports it.
 */
import type { BackendInfo } from './backend';
import { BackendError } from './backend';
import type { EngineSettings } from './flags';
import { ConvChoices } from './webgpu/convChoice';
import type { WebgpuBackend } from './webgpu/tfjsInternals';

export interface Engine {
  readonly backend: BackendInfo;
  readonly settings: EngineSettings;
  /** The conv layout per call shape (webgpu): what tuning chose, read by the conv kernels. */
  readonly convChoices: ConvChoices;
  readonly deviceHealth: DeviceHealth;
  /** webgpu, where its internals passed the check: what the fused Adam and the replayed step use. */
  readonly webgpu?: WebgpuBackend;
  /** webgpu, where they did not: why those stay off. */
  readonly webgpuProblem?: string;
}

export function createEngine(
  backend: BackendInfo,
  settings: EngineSettings,
  webgpu?: { backend?: WebgpuBackend; problem?: string },
): Engine {
  return {
    backend,
    settings,
    convChoices: new ConvChoices(),
    deviceHealth: new DeviceHealth(),
    ...(webgpu?.backend ? { webgpu: webgpu.backend } : {}),
    ...(webgpu?.problem ? { webgpuProblem: webgpu.problem } : {}),
  };
}

/**
 * A WebGPU validation or out-of-memory error does not throw: the failed work silently leaves zeros
 * behind. The first one is kept so the training loop can stop with it instead of training on garbage.
 */
export class DeviceHealth {
  private error?: string;

  /** Listens to `device` (the handler slot is the device's: a later engine's replaces this one's). */
  watch(device: GPUDevice): void {
    device.onuncapturederror = (e) => {
      this.error ??= e.error.message.split('\n')[0];
    };
  }

  /** Throws if the GPU reported an error since the engine started. */
  assertHealthy(): void {
    if (this.error === undefined) return;
    throw new BackendError(
      `the GPU rejected work (${this.error})`,
      'Results since then are invalid. Rerun with DTN_STOCK_KERNELS=all to use only the stock WebGPU kernels, ' +
        'or with --backend wasm, and report the message',
      'DEVICE_FAILED',
    );
  }
}
