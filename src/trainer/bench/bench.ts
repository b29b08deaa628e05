/**
 * `dtn bench`: times the trainer's real DTN step (Dtn.step: one D update + one g update with every
 * active loss) after warm-up, per batch size, and reports tensor memory over the run so leaks show.
 * Optionally runs the PyTorch anchor on the same machine and prints the ratio.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice, DtnConfig } from '../../shared/config';
import type { ThreadsChoice } from '../../shared/threads';
import { ensureFaceApiData } from '../data/faces/faceApiPackage';
import { loadFaceRecognitionNet } from '../dtn/models/faceRecognitionWeights';
import type { FeatureEncoder } from '../dtn/models/featureEncoder';
import { initBackend, type BackendInfo } from '../engine/backend';
import type { Engine } from '../engine/engineContext';
import { Dtn, readLosses } from '../dtn/dtn';
import { StepRunner } from '../engine/stepRunner';
import { benchConvKernels, printConvTimings } from './benchConv';
import { convTuningWanted, type TunedConv } from '../engine/webgpu/convTune';
import { Encoder } from '../dtn/models/encoder';

export interface BenchResult {
  backend: BackendInfo;
  batch: number;
  msPerStep: number;
  /** Host time to issue one step (the device may still be busy): the per-step cost on the CPU. */
  hostMsPerStep: number;
  imgPerSec: number;
  steps: number;
  /** Live tensors and bytes after warm-up and after the timed steps: equal when nothing leaks. */
  tensors: [number, number];
  bytes: [number, number];
  /** `planned`: steps replay a recorded step (WebGPU); `tfjs`: every step runs through tfjs. */
  mode: 'planned' | 'tfjs';
  modeReason?: string;
  /** GPU bytes the replayed step holds beside tfjs's buffers (fixed when it is built). */
  planBytes?: number;
  /** GPU bytes in use by tensors and allocated by the backend's buffer pool (webgpu only). */
  gpuBytes?: [number, number];
  gpuAllocated?: [number, number];
  profile?: StepProfile;
  /** Each distinct convolution of a step under every GEMM layout and the stock kernel (webgpu, --conv). */
  conv?: TunedConv[];
  /** Conv tuning at the start of the run, when it ran. */
  tuning?: string;
}

/** One kernel's share of a profiled step. */
export interface KernelShare {
  name: string;
  count: number;
  /** Device time where the backend measures it (webgpu: timestamp queries), else wall time per kernel. */
  ms: number;
}

export interface StepProfile {
  kernels: number;
  /** GPU programs dispatched (webgpu only). */
  dispatches?: number;
  byKernel: KernelShare[];
}

/**
 * Profiles one step kernel by kernel. Timing each kernel serialises the queue, so the sum is not
 * the step time; the counts are exact and the times rank where the step spends its device time.
 */
export async function profileStep(dtn: Dtn, xs: tf.Tensor4D, xt: tf.Tensor4D): Promise<StepProfile> {
  // Kernels like Reshape or Identity dispatch nothing, fused ones may dispatch once for several
  // outputs: on WebGPU count what reaches the GPU.
  const encoder = (globalThis as { GPUComputePassEncoder?: { prototype: { dispatchWorkgroups(...a: unknown[]): void } } })
    .GPUComputePassEncoder?.prototype;
  const dispatch = tf.getBackend() === 'webgpu' ? encoder?.dispatchWorkgroups : undefined;
  let dispatches = 0;
  if (encoder && dispatch) {
    encoder.dispatchWorkgroups = function (this: unknown, ...args: unknown[]) {
      dispatches++;
      return dispatch.apply(this, args);
    };
  }
  let info: Awaited<ReturnType<typeof tf.profile>>;
  try {
    info = await tf.profile(async () => {
      await readLosses(dtn.step(xs, xt));
    });
  } finally {
    if (encoder && dispatch) encoder.dispatchWorkgroups = dispatch;
  }
  const byName = new Map<string, KernelShare>();
  for (const k of info.kernels) {
    const share = byName.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
    share.count += 1;
    share.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byName.set(k.name, share);
  }
  return {
    kernels: info.kernels.length,
    ...(dispatch ? { dispatches } : {}),
    byKernel: [...byName.values()].sort((a, b) => b.ms - a.ms || b.count - a.count),
  };
}

type GpuMemoryInfo = tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };

function gpuMemory(before: GpuMemoryInfo, after: GpuMemoryInfo): Pick<BenchResult, 'gpuBytes' | 'gpuAllocated'> {
  if (before.numBytesInGPU === undefined || after.numBytesInGPU === undefined) return {};
  return {
    gpuBytes: [before.numBytesInGPU, after.numBytesInGPU],
    gpuAllocated: [before.numBytesAllocatedInGPU ?? 0, after.numBytesAllocatedInGPU ?? 0],
  };
}

export async function benchStep(
  engine: Engine,
  config: DtnConfig,
  batch: number,
  steps: number,
  warmup: number,
  { profile = false, conv = false, tune = false }: { profile?: boolean; conv?: boolean; tune?: boolean } = {},
): Promise<Omit<BenchResult, 'backend'>> {
  const arch = config.architecture;
  // Timing does not depend on f's values: the digits f is left untrained; the faces f is the real one.
  if (arch.kind === 'faces') await ensureFaceApiData();
  const f: FeatureEncoder = arch.kind === 'faces' ? loadFaceRecognitionNet() : new Encoder(arch, config.seed);
  const dtn = new Dtn(config, f);
  const shapes = {
    xs: [batch, f.inputSize, f.inputSize, arch.sourceChannels] as [number, number, number, number],
    xt: [batch, arch.imageSize, arch.imageSize, arch.targetChannels] as [number, number, number, number],
  };
  const host = (shape: number[], seed: number) => tf.tidy(() => tf.randomUniform(shape, -1, 1, 'float32', seed).dataSync() as Float32Array);
  const [xs, xt] = [host(shapes.xs, 1), host(shapes.xt, 2)];
  // The trainer's own stepping: on WebGPU the second step is recorded and later ones replay it.
  const runner = new StepRunner(engine, dtn, shapes, { tuneConvs: tune });
  try {
    for (let i = 0; i < Math.max(warmup, 2); i++) await runner.step(xs, xt, true);
    const before = tf.memory();
    const host0 = runner.hostMs;
    const t0 = performance.now();
    // Only the last step is read back: reading forces the device to finish everything queued.
    for (let i = 0; i < steps - 1; i++) await runner.step(xs, xt, false);
    await runner.step(xs, xt, true);
    const ms = (performance.now() - t0) / steps;
    // What the CPU spends issuing a step, whether or not the device is still busy with earlier ones.
    const hostMs = (runner.hostMs - host0) / steps;
    engine.deviceHealth.assertHealthy();
    const after = tf.memory();
    runner.sync();
    let profiled: StepProfile | undefined;
    if (profile) {
      // One tfjs step: the kernels a replayed step dispatches, each timed on its own.
      const [a, b] = [tf.tensor4d(xs, shapes.xs), tf.tensor4d(xt, shapes.xt)];
      profiled = await profileStep(dtn, a, b);
      tf.dispose([a, b]);
    }
    let convRows: TunedConv[] | undefined;
    if (conv && tf.getBackend() === 'webgpu') {
      const [a, b] = [tf.tensor4d(xs, shapes.xs), tf.tensor4d(xt, shapes.xt)];
      convRows = await benchConvKernels(engine, dtn, a, b);
      tf.dispose([a, b]);
    }
    return {
      ...(profiled ? { profile: profiled } : {}),
      ...(convRows ? { conv: convRows } : {}),
      ...(runner.tuned ? { tuning: runner.tuned.summary } : {}),
      mode: runner.mode,
      ...(runner.planBytes !== undefined ? { planBytes: runner.planBytes } : {}),
      ...(runner.reason ? { modeReason: runner.reason } : {}),
      batch,
      steps,
      msPerStep: ms,
      hostMsPerStep: hostMs,
      imgPerSec: (batch * 1000) / ms,
      tensors: [before.numTensors, after.numTensors],
      ...gpuMemory(before, after),
      bytes: [before.numBytes, after.numBytes],
    };
  } finally {
    runner.dispose();
    dtn.dispose();
    f.params.dispose();
  }
}

export async function runBench(opts: {
  config: DtnConfig;
  batches: number[];
  steps: number;
  warmup: number;
  backend?: BackendChoice;
  /** The wasm backend's threads (default auto). */
  threads?: ThreadsChoice;
  profile?: boolean;
  conv?: boolean;
  print: (line: string) => void;
}): Promise<BenchResult[]> {
  const engine = await initBackend(opts.backend ?? opts.config.backend, opts.threads);
  const { backend } = engine;
  const results: BenchResult[] = [];
  for (const batch of opts.batches) {
    const options = { profile: opts.profile, conv: opts.conv, tune: convTuningWanted(engine) };
    const r = { backend, ...(await benchStep(engine, opts.config, batch, opts.steps, opts.warmup, options)) };
    results.push(r);
    opts.print(
      `dtn bench: backend=${backend.name} device=${JSON.stringify(backend.device)} batch=${batch} ` +
        `ms/step=${r.msPerStep.toFixed(1)} img/s=${r.imgPerSec.toFixed(1)} ` +
        `tensors=${r.tensors[0]}->${r.tensors[1]} bytes=${r.bytes[0]}->${r.bytes[1]} ` +
        (r.gpuBytes ? `gpu-bytes=${r.gpuBytes[0]}->${r.gpuBytes[1]} gpu-pool=${r.gpuAllocated![0]}->${r.gpuAllocated![1]} ` : '') +
        (r.planBytes !== undefined ? `plan-bytes=${r.planBytes} ` : '') +
        `steps=${r.steps} step=${r.mode}` +
        ` host-ms/step=${r.hostMsPerStep.toFixed(1)}` +
        (backend.threads !== undefined ? ` threads=${backend.threads}` : ''),
    );
    if (r.tuning) opts.print(`dtn bench: ${r.tuning}`);
    if (r.modeReason && backend.name === 'webgpu') opts.print(`dtn bench: steps run through tfjs, not replayed: ${r.modeReason}`);
    if (r.profile) printProfile(r.profile, batch, opts.print);
    if (r.conv) printConvTimings(r.conv, opts.print);
  }
  return results;
}

/** The PyTorch anchor on this machine, when python3 has torch; undefined otherwise. */
export function runTorchAnchor(
  script: string,
  device: 'cpu' | 'cuda',
  batch: number,
  threads?: number,
): { msPerStep: number; line: string } | undefined {
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (!python || !fs.existsSync(script)) return undefined;
  const args = [script, '--device', device, '--batch', String(batch), ...(threads ? ['--threads', String(threads)] : [])];
  const line = execFileSync(python, args, { encoding: 'utf8' }).trim().split('\n').at(-1) ?? '';
  const m = /([\d.]+) ms\/step/.exec(line);
  return m ? { msPerStep: Number(m[1]), line } : undefined;
}

export interface AnchorRun {
  /** Torch's intra-op threads (undefined: its default). */
  threads?: number;
  msPerStep: number;
  line: string;
}

/** The fastest of the anchor's runs: the ratio is taken against PyTorch at its best thread count. */
export function bestAnchor(runs: readonly AnchorRun[]): AnchorRun | undefined {
  return runs.reduce<AnchorRun | undefined>((best, r) => (best === undefined || r.msPerStep < best.msPerStep ? r : best), undefined);
}

function printProfile(p: StepProfile, batch: number, print: (line: string) => void): void {
  const total = p.byKernel.reduce((a, k) => a + k.ms, 0);
  const dispatches = p.dispatches === undefined ? '' : ` dispatches/step=${p.dispatches}`;
  print(`dtn bench: profile batch=${batch} kernels/step=${p.kernels}${dispatches} kernel-ms=${total.toFixed(1)}`);
  for (const k of p.byKernel) {
    const share = total > 0 ? ((100 * k.ms) / total).toFixed(1) : '0.0';
    print(`  ${k.name.padEnd(28)} ${String(k.count).padStart(5)}x ${k.ms.toFixed(2).padStart(9)} ms ${share.padStart(5)}%`);
  }
}
