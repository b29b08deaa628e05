/**
 * Tunes the WebGPU convolutions of a run on the device it runs on: each distinct conv call of a
 * step is timed under every GEMM layout of GEMM_CANDIDATES and with the stock tfjs kernel, and the
 * fastest is what the run uses from then on (the engine's ConvChoices, convChoice.ts). Like cuDNN's benchmark mode:
 * a second or two at the start of a run on a GPU, against kernels that would otherwise be picked
 * by rules written without that GPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import { messageOf } from '../../../shared/errors';
import { getKernel, type KernelFunc, type NamedAttrMap } from '@tensorflow/tfjs-core';
import { convCallInputs, convFlops, describeConvCall, timeKernel, type ConvCall } from './convCalls';
import { choiceName, DEFAULT_GEMM, GEMM_CANDIDATES, type ConvChoice } from './convChoice';
import { gemmLayout, gemmWorkgroupBytes } from './webgpuConv';
import { ownKernel, type EngineSettings } from '../flags';
import type { Engine } from '../engineContext';
import { webgpuBackend } from './tfjsInternals';

export interface CandidateTiming {
  name: string;
  /** NaN when the candidate failed. */
  ms: number;
  /** The GPU's message when it rejected the candidate (it is then never chosen). */
  error?: string;
}

export interface TunedConv {
  kernel: ConvCall['kernel'];
  shapes: string;
  perStep: number;
  gflop: number;
  /** Every candidate measured, in GEMM_CANDIDATES order, then stock. */
  timings: CandidateTiming[];
  chosen: string;
}

/** Measures one kernel function on a call's inputs: milliseconds per run. */
export type KernelTimer = (fn: KernelFunc, inputs: Record<string, tf.Tensor>, attrs: NamedAttrMap) => Promise<number>;

/**
 * Whether a run tunes its convolutions: DTN_CONV_TUNE=1 or 0 decides; by default a hardware WebGPU
 * adapter tunes, and a software one (lavapipe) does not, so that runs there (CI's WebGPU tests)
 * stay bit-reproducible: tuning picks by timings, which vary from run to run.
 */
export function convTuningWanted(engine: {
  backend: { name: string; software?: boolean };
  settings: Pick<EngineSettings, 'convTune'>;
}): boolean {
  if (engine.backend.name !== 'webgpu') return false;
  return engine.settings.convTune ?? !engine.backend.software;
}

/**
 * Runs a measurement inside WebGPU error scopes: a candidate the device rejects (a limit this GPU
 * does not have, memory) is reported as failed instead of reaching the run's uncaptured-error
 * handler, which would stop training.
 */
async function guarded(device: GPUDevice, measure: () => Promise<number>): Promise<{ ms: number; error?: string }> {
  const filters = ['validation', 'out-of-memory', 'internal'] as const;
  for (const f of filters) device.pushErrorScope(f);
  let ms = NaN;
  let thrown: unknown;
  try {
    ms = await measure();
  } catch (err) {
    thrown = err;
  }
  const errors = [];
  for (let i = 0; i < filters.length; i++) errors.push(await device.popErrorScope());
  const error = errors.find((e) => e !== null)?.message ?? (thrown === undefined ? undefined : messageOf(thrown));
  return error === undefined ? { ms } : { ms: NaN, error: error.split('\n')[0] };
}

/** Workgroup memory this device grants a shader (tfjs asks for the adapter's maximum). */
function workgroupLimit(device: GPUDevice): number {
  return device.limits?.maxComputeWorkgroupStorageSize ?? 16384;
}

/** Calls under this share of a step's conv arithmetic try only the default layout and stock. */
const MINOR_SHARE = 0.02;

/**
 * Times every candidate on each call and keeps the fastest for the rest of the process. Calls of
 * a kernel that DTN_STOCK_KERNELS keeps stock are left alone. Minor calls (MINOR_SHARE) are timed
 * only with the default layout and stock: every candidate is a shader to compile, and layouts
 * matter where the arithmetic is. Returns what was measured.
 */
export async function tuneConvs(
  engine: Pick<Engine, 'settings' | 'convChoices'>,
  calls: ConvCall[],
  opts: { minMs?: number; time?: KernelTimer; apply?: boolean } = {},
): Promise<TunedConv[]> {
  const choices = engine.convChoices;
  const device = webgpuBackend().device;
  const time: KernelTimer = opts.time ?? ((fn, inputs, attrs) => timeKernel(fn, inputs, attrs, { minMs: opts.minMs }));
  const out: TunedConv[] = [];
  const total = calls.reduce((a, c) => a + convFlops(c) * c.count, 0);
  for (const call of calls) {
    if (!ownKernel(engine.settings, call.kernel)) continue;
    const kernel = getKernel(call.kernel, 'webgpu')!.kernelFunc;
    const before = choices.get(call.key);
    const inputs = convCallInputs(call);
    const timings: { choice: ConvChoice; ms: number; error?: string }[] = [];
    try {
      const seen = new Set<string>();
      const minor = convFlops(call) * call.count < MINOR_SHARE * total;
      const candidates: ConvChoice[] = [...(minor ? [DEFAULT_GEMM] : GEMM_CANDIDATES), 'stock'];
      for (const choice of candidates) {
        if (choice !== 'stock') {
          if (gemmWorkgroupBytes(call.kernel, inputs, call.attrs, choice) > workgroupLimit(device)) continue;
          // Options that lay this call out identically are the same kernel: measure it once.
          const layout = gemmLayout(call.kernel, inputs, call.attrs, choice);
          if (seen.has(layout)) continue;
          seen.add(layout);
        }
        // The registered kernel, steered to this candidate: exactly what a step would run.
        choices.set(call.key, choice);
        timings.push({ choice, ...(await guarded(device, () => time(kernel, inputs, call.attrs))) });
      }
    } finally {
      tf.dispose(Object.values(inputs));
      if (before === undefined) choices.delete(call.key);
      else choices.set(call.key, before);
    }
    // Strictly faster only: on a tie the earlier candidate (the default layout first) stays. Stock
    // always runs last, so when everything else failed it is what remains.
    const usable = timings.filter((t) => t.error === undefined);
    const best = usable.length > 0 ? usable.reduce((a, b) => (b.ms < a.ms ? b : a)) : { choice: 'stock' as const };
    if (opts.apply !== false) choices.set(call.key, best.choice);
    out.push({
      kernel: call.kernel,
      shapes: describeConvCall(call),
      perStep: call.count,
      gflop: convFlops(call) / 1e9,
      timings: timings.map((t) => ({ name: choiceName(t.choice), ms: t.ms, ...(t.error !== undefined ? { error: t.error } : {}) })),
      chosen: choiceName(best.choice),
    });
  }
  return out;
}

/**
 * "22 conv shapes tuned on this device in 1.7 s: gemm 10, stock 12 (conv kernels 331.1 -> 131.7
 * ms a step, single-kernel timings)": one line for logs and run.json.
 */
export function tuningSummary(rows: TunedConv[], ms: number): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.chosen, (counts.get(r.chosen) ?? 0) + 1);
  const picks = [...counts].map(([name, n]) => `${name} ${n}`).join(', ');
  const perStep = (name: (r: TunedConv) => string) =>
    rows.reduce((a, r) => a + r.perStep * (r.timings.find((t) => t.name === name(r) && Number.isFinite(t.ms))?.ms ?? 0), 0).toFixed(1);
  return (
    `${rows.length} conv shapes tuned on this device in ${(ms / 1000).toFixed(1)} s: ${picks} ` +
    `(conv kernels ${perStep(() => 'gemm')} -> ${perStep((r) => r.chosen)} ms a step, single-kernel timings)`
  );
}
