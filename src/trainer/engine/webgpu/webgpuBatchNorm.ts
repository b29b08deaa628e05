/**
 * Batch norm in training mode as a few fused WGSL kernels for the tfjs `webgpu` backend, where each
 * dispatch costs far more than the arithmetic of a per-channel op: forward = 3 dispatches
 * (per-chunk statistics, their combination, normalise-and-affine), backward = 4 (per-chunk sums
 * of dy and dy·(x−mean), dβ, dγ, dx) and the running-statistics update 1 per variable.
 *
 * A following ReLU / LeakyReLU can ride along at no extra dispatch: the normalise kernel applies
 * it, and the two backward kernels that read dy turn it into the pre-activation gradient, with the
 * pre-activation z = (x−mean)·rstd·γ + β recomputed from x and per-channel values they read anyway
 * (saving a mask or reading y instead would add a full-size write or read).
 *
 * Statistics are packed as one [2, C] tensor (row 0 mean, row 1 biased variance). tfjs-webgpu 4.22
 * copies even a contiguous slice with a dispatch, so the hot path passes the packed tensor around
 * and the running-statistics kernel reads its row directly.
 *
 * Inputs are NHWC and contiguous, so element i belongs to channel i mod C and row i div C, rows
 * being the B·H·W positions that a channel's statistics run over.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, unregisterKernel, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { webgpuBackend, type WebgpuBackend, type WebgpuProgram as Program } from './tfjsInternals';

const STATS_PARTIAL = 'DtnBnStatsPartial';
const STATS_FINAL = 'DtnBnStatsFinal';
const NORMALIZE = 'DtnBnNormalize';
const GRAD_PARTIAL = 'DtnBnGradPartial';
const GRAD_FINAL = 'DtnBnGradFinal';
const GRAD_INPUT = 'DtnBnGradInput';
const RUNNING_UPDATE = 'DtnBnRunningUpdate';

/** Threads per workgroup of the reductions (≤ 256, the WebGPU default limit). */
const REDUCE_THREADS = 256;
/** Workgroups a big reduction aims for: a few per SM of a large GPU (132 on an H200). */
const TARGET_WORKGROUPS = 512;
/** Rows each reduction lane reads at least, so that small layers do not spread over idle workgroups. */
const MIN_ROWS_PER_LANE = 8;
const ELEMENTWISE_THREADS = 256;

/**
 * How a [rows, C] reduction is laid out: a workgroup is `lanes` row lanes × `tile` consecutive
 * channels (consecutive threads read consecutive channels of a row: coalesced NHWC reads) and
 * covers `rowsPerChunk` rows; workgroups = channel tiles × chunks.
 */
export interface ReducePlan {
  tile: number;
  lanes: number;
  tiles: number;
  rowsPerChunk: number;
  chunks: number;
}

export function reducePlan(rows: number, channels: number): ReducePlan {
  const tile = Math.min(channels, 64);
  const lanes = Math.floor(REDUCE_THREADS / tile);
  const tiles = Math.ceil(channels / tile);
  const wanted = Math.max(1, Math.min(Math.ceil(rows / (lanes * MIN_ROWS_PER_LANE)), Math.ceil(TARGET_WORKGROUPS / tiles)));
  const rowsPerChunk = Math.ceil(rows / wanted);
  return { tile, lanes, tiles, rowsPerChunk, chunks: Math.ceil(rows / rowsPerChunk) };
}

/** Layout of the second-level reductions over `chunks` partial results per channel. */
function finalPlan(channels: number): { tile: number; lanes: number } {
  const tile = Math.min(channels, 32);
  return { tile, lanes: Math.floor(REDUCE_THREADS / tile) };
}

function float(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/**
 * Tree combination of `lanes` values spaced `tile` apart in the workgroup array `red`, into the
 * first `tile` slots; the step count is a baked constant, so every barrier is in uniform control flow.
 */
function treeSteps(lanes: number, tile: number, combine: (a: string, b: string) => string): string {
  const lines: string[] = [];
  for (let n = lanes; n > 1;) {
    const h = Math.ceil(n / 2);
    lines.push(`if (lr + ${h} < ${n}) { red[li] = ${combine('red[li]', `red[li + ${h * tile}]`)}; }`, 'workgroupBarrier();');
    n = h;
  }
  return lines.join('\n    ');
}

/** Activation folded into the kernels: leaky ReLU with this slope (0: ReLU) after the affine step. */
interface FusedActivation {
  alpha: number;
  eps: number;
}

/**
 * `z` as the normalise kernel computes it, expression for expression, so that the backward sees the
 * same sign at every element as the forward did.
 */
const preActivation = (x: string, mean: string, rstd: string, gamma: string, beta: string) =>
  `(${x} - ${mean}) * (${rstd} * ${gamma}) + ${beta}`;

/** dL/dz from dL/dy at pre-activation z, the tfjs convention: slope 1 where z > 0, α elsewhere (z = 0 included). */
const activationGrad = (g: string, z: string, t: string, alpha: number) => `select(${g} * ${float(alpha)}, ${g}, ${z} > ${t}(0.0))`;

/** A reduction over rows into [chunks, 2, C]: two per-channel accumulators per chunk of rows. */
function partialProgram(kind: 'stats' | 'grad', rows: number, channels: number, act?: FusedActivation): Program {
  const p = reducePlan(rows, channels);
  const threads = p.tile * p.lanes;
  const names = kind === 'stats' ? ['x'] : act ? ['dy', 'x', 'stats', 'gamma', 'beta'] : ['dy', 'x', 'stats'];
  // Statistics are sums of (x − shift) and its square with the chunk's first row as shift: close
  // to the mean, so the chunk variance s2 − s1²/n does not cancel the way E[x²] − E[x]² does.
  // Chunks are then merged exactly (Chan et al.) by the final kernel.
  const body =
    kind === 'stats'
      ? `let shift = x[r0 * C + c];
      for (var r = r0 + lr; r < r1; r = r + LANES) {
        let d = x[r * C + c] - shift;
        acc = acc + vec2<f32>(d, d * d);
      }`
      : act
        ? `let mean = stats[c];
      let rstd = inverseSqrt(stats[C + c] + ${float(act.eps)});
      let gm = gamma[c];
      let bt = beta[c];
      for (var r = r0 + lr; r < r1; r = r + LANES) {
        let i = r * C + c;
        let z = ${preActivation('x[i]', 'mean', 'rstd', 'gm', 'bt')};
        let g = ${activationGrad('dy[i]', 'z', 'f32', act.alpha)};
        acc = acc + vec2<f32>(g, g * (x[i] - mean));
      }`
        : `let mean = stats[c];
      for (var r = r0 + lr; r < r1; r = r + LANES) {
        let i = r * C + c;
        let g = dy[i];
        acc = acc + vec2<f32>(g, g * (x[i] - mean));
      }`;
  const finish =
    kind === 'stats'
      ? `let n = f32(r1 - r0);
      let m = s.x / n;
      result[(chunk * 2) * C + c] = x[r0 * C + c] + m;
      result[(chunk * 2 + 1) * C + c] = max(s.y - s.x * m, 0.0);`
      : `result[(chunk * 2) * C + c] = s.x;
      result[(chunk * 2 + 1) * C + c] = s.y;`;
  return {
    variableNames: names,
    outputShape: [p.chunks, 2, channels],
    shaderKey: `dtnBn_${kind}Partial_${rows}_${channels}${act ? `_act_${act.alpha}_${act.eps}` : ''}`,
    dispatchLayout: { x: [0, 1, 2] },
    dispatch: [p.tiles, p.chunks, 1],
    workgroupSize: [threads, 1, 1],
    getUserCode: () => `
  const C = ${channels};
  const N = ${rows};
  const TILE = ${p.tile};
  const LANES = ${p.lanes};
  const ROWS_PER_CHUNK = ${p.rowsPerChunk};
  var<workgroup> red : array<vec2<f32>, ${threads}>;

  fn main(index : i32) {
    let li = i32(localIndex);
    let lc = li % TILE;
    let lr = li / TILE;
    let c = i32(workgroupId.x) * TILE + lc;
    let chunk = i32(workgroupId.y);
    let r0 = chunk * ROWS_PER_CHUNK;
    let r1 = min(r0 + ROWS_PER_CHUNK, N);
    var acc = vec2<f32>(0.0);
    // Bounds from the uniforms (not the constants) also keep their binding in the pipeline layout.
    if (c < uniforms.outShape.z && chunk < uniforms.outShape.x) {
      ${body}
    }
    red[li] = acc;
    workgroupBarrier();
    ${treeSteps(p.lanes, p.tile, (a, b) => `${a} + ${b}`)}
    if (lr == 0 && c < C) {
      let s = red[lc];
      ${finish}
    }
  }`,
  };
}

/** Merges the [chunks, 2, C] per-chunk means and squared-deviation sums into [2, C] mean, variance. */
function statsFinalProgram(rows: number, channels: number): Program {
  const p = reducePlan(rows, channels);
  const f = finalPlan(channels);
  const threads = f.tile * f.lanes;
  return {
    variableNames: ['partial'],
    outputShape: [2, channels],
    shaderKey: `dtnBn_statsFinal_${rows}_${channels}`,
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil(channels / f.tile), 1, 1],
    workgroupSize: [threads, 1, 1],
    getUserCode: () => `
  const C = ${channels};
  const N = ${rows};
  const TILE = ${f.tile};
  const LANES = ${f.lanes};
  const CHUNKS = ${p.chunks};
  const ROWS_PER_CHUNK = ${p.rowsPerChunk};
  // (count, mean, sum of squared deviations) per slot.
  var<workgroup> red : array<vec3<f32>, ${threads}>;

  fn merge(a : vec3<f32>, b : vec3<f32>) -> vec3<f32> {
    let n = a.x + b.x;
    if (n == 0.0) { return a; }
    let d = b.y - a.y;
    let w = b.x / n;
    return vec3<f32>(n, a.y + d * w, a.z + b.z + d * d * a.x * w);
  }

  fn main(index : i32) {
    let li = i32(localIndex);
    let lc = li % TILE;
    let lr = li / TILE;
    let c = i32(workgroupId.x) * TILE + lc;
    var acc = vec3<f32>(0.0);
    if (c < uniforms.outShape.y) {
      for (var k = lr; k < CHUNKS; k = k + LANES) {
        let n = f32(min(ROWS_PER_CHUNK, N - k * ROWS_PER_CHUNK));
        acc = merge(acc, vec3<f32>(n, partial[(k * 2) * C + c], partial[(k * 2 + 1) * C + c]));
      }
    }
    red[li] = acc;
    workgroupBarrier();
    ${treeSteps(f.lanes, f.tile, (a, b) => `merge(${a}, ${b})`)}
    if (lr == 0 && c < C) {
      let s = red[lc];
      result[c] = s.y;
      result[C + c] = s.z / f32(N);
    }
  }`,
  };
}

/** Sums row `row` of the [chunks, 2, C] partial sums: dβ (row 0) or, scaled by rstd, dγ (row 1). */
function gradFinalProgram(rows: number, channels: number, row: 0 | 1, eps: number): Program {
  const p = reducePlan(rows, channels);
  const f = finalPlan(channels);
  const threads = f.tile * f.lanes;
  return {
    // dβ does not read the statistics, and an unread binding would not be in the pipeline layout.
    variableNames: row === 1 ? ['partial', 'stats'] : ['partial'],
    outputShape: [channels],
    shaderKey: `dtnBn_gradFinal_${rows}_${channels}_${row}_${eps}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(channels / f.tile), 1, 1],
    workgroupSize: [threads, 1, 1],
    getUserCode: () => `
  const C = ${channels};
  const TILE = ${f.tile};
  const LANES = ${f.lanes};
  const CHUNKS = ${p.chunks};
  const ROW = ${row};
  var<workgroup> red : array<f32, ${threads}>;

  fn main(index : i32) {
    let li = i32(localIndex);
    let lc = li % TILE;
    let lr = li / TILE;
    let c = i32(workgroupId.x) * TILE + lc;
    var acc = 0.0;
    if (c < uniforms.outShape) {
      for (var k = lr; k < CHUNKS; k = k + LANES) {
        acc = acc + partial[(k * 2 + ROW) * C + c];
      }
    }
    red[li] = acc;
    workgroupBarrier();
    ${treeSteps(f.lanes, f.tile, (a, b) => `${a} + ${b}`)}
    if (lr == 0 && c < C) {
      ${row === 1 ? `result[c] = red[lc] * inverseSqrt(stats[C + c] + ${float(eps)});` : 'result[c] = red[lc];'}
    }
  }`,
  };
}

/**
 * One thread per element (per 4 elements when C is a multiple of 4: vec4 loads and stores);
 * `body(t)` computes `result[index]` from `c`, the channel (vector) index into the [C] inputs, and
 * `mean`, `rstd` of those channels; `t` is the element type (f32 or vec4<f32>).
 */
function elementwiseProgram(kind: string, names: string[], shape: number[], eps: number, body: (t: string) => string, extra = ''): Program {
  const channels = shape[shape.length - 1];
  const size = shape.reduce((a, b) => a * b, 1);
  const v = channels % 4 === 0 ? 4 : 1;
  const t = v === 4 ? 'vec4<f32>' : 'f32';
  return {
    variableNames: names,
    outputShape: shape,
    shaderKey: `dtnBn_${kind}_${channels}_${v}_${eps}_${extra}`,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / v / ELEMENTWISE_THREADS), 1, 1],
    workgroupSize: [ELEMENTWISE_THREADS, 1, 1],
    size: true,
    outputComponent: v,
    variableComponents: names.map(() => v),
    getUserCode: () => `
  const CV = ${channels / v};
  fn main(index : i32) {
    if (index < uniforms.size) {
      let c = index % CV;
      let mean : ${t} = stats[c];
      let rstd : ${t} = inverseSqrt(stats[CV + c] + ${float(eps)});
      ${body(t)}
    }
  }`,
  };
}

/** y = z = x̂·γ + β, or with an activation y = z < 0 ? α·z : z (as tfjs's Relu and LeakyRelu write it). */
function normalizeProgram(shape: number[], eps: number, alpha?: number): Program {
  const z = preActivation('x[index]', 'mean', 'rstd', 'gamma[c]', 'beta[c]');
  return elementwiseProgram(
    'normalize',
    ['x', 'stats', 'gamma', 'beta'],
    shape,
    eps,
    (t) =>
      alpha === undefined
        ? `result[index] = ${z};`
        : `let z = ${z};
      result[index] = select(z, ${alpha === 0 ? `${t}(0.0)` : `z * ${float(alpha)}`}, z < ${t}(0.0));`,
    alpha === undefined ? '' : `act_${alpha}`,
  );
}

function gradInputProgram(shape: number[], eps: number, alpha?: number): Program {
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const act = alpha !== undefined;
  return elementwiseProgram(
    'gradInput',
    act ? ['dy', 'x', 'stats', 'gamma', 'beta', 'dBeta', 'dGamma'] : ['dy', 'x', 'stats', 'gamma', 'dBeta', 'dGamma'],
    shape,
    eps,
    (t) =>
      `let xh = (x[index] - mean) * rstd;
      ${
        act
          ? `let z = ${preActivation('x[index]', 'mean', 'rstd', 'gamma[c]', 'beta[c]')};
      let g = ${activationGrad('dy[index]', 'z', t, alpha)};`
          : 'let g = dy[index];'
      }
      result[index] = (gamma[c] * rstd) * (g - (dBeta[c] + xh * dGamma[c]) * ${float(1 / rows)});`,
    act ? `${rows}_act_${alpha}` : String(rows),
  );
}

function runningUpdateProgram(channels: number, row: number, momentum: number): Program {
  return {
    variableNames: ['v', 'stats'],
    outputShape: [channels],
    shaderKey: `dtnBn_running_${channels}_${row}_${momentum}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(channels / 64), 1, 1],
    workgroupSize: [64, 1, 1],
    size: true,
    getUserCode: () => `
  fn main(index : i32) {
    if (index < uniforms.size) {
      result[index] = v[index] * ${float(1 - momentum)} + stats[${row * channels} + index] * ${float(momentum)};
    }
  }`,
  };
}

type Run = (backend: WebgpuBackend, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap) => TensorInfo;

/** The activation slope attribute; absent: plain batch norm. */
const alphaOf = (a: NamedAttrMap) => (typeof a.alpha === 'number' ? a.alpha : undefined);
const rowsOf = (shape: number[]) => shape.slice(0, -1).reduce((a, b) => a * b, 1);
const lastOf = (shape: number[]) => shape[shape.length - 1];

const kernels: Record<string, Run> = {
  [STATS_PARTIAL]: (b, { x }) => b.runWebGPUProgram(partialProgram('stats', rowsOf(x.shape), lastOf(x.shape)), [x], 'float32'),
  [STATS_FINAL]: (b, { partial }, a) =>
    b.runWebGPUProgram(statsFinalProgram(a.rows as number, lastOf(partial.shape)), [partial], 'float32'),
  [NORMALIZE]: (b, { x, stats, gamma, beta }, a) =>
    b.runWebGPUProgram(normalizeProgram(x.shape, a.eps as number, alphaOf(a)), [x, stats, gamma, beta], 'float32'),
  [GRAD_PARTIAL]: (b, { dy, x, stats, gamma, beta }, a) => {
    const alpha = alphaOf(a);
    const act = alpha === undefined ? undefined : { alpha, eps: a.eps as number };
    return b.runWebGPUProgram(
      partialProgram('grad', rowsOf(x.shape), lastOf(x.shape), act),
      act ? [dy, x, stats, gamma, beta] : [dy, x, stats],
      'float32',
    );
  },
  [GRAD_FINAL]: (b, { partial, stats }, a) =>
    b.runWebGPUProgram(
      gradFinalProgram(a.rows as number, lastOf(partial.shape), a.row as 0 | 1, a.eps as number),
      a.row === 1 ? [partial, stats] : [partial],
      'float32',
    ),
  [GRAD_INPUT]: (b, { dy, x, stats, gamma, beta, dBeta, dGamma }, a) => {
    const alpha = alphaOf(a);
    const inputs = alpha === undefined ? [dy, x, stats, gamma, dBeta, dGamma] : [dy, x, stats, gamma, beta, dBeta, dGamma];
    return b.runWebGPUProgram(gradInputProgram(x.shape, a.eps as number, alpha), inputs, 'float32');
  },
  [RUNNING_UPDATE]: (b, { v, stats }, a) =>
    b.runWebGPUProgram(runningUpdateProgram(v.shape[0], a.row as number, a.momentum as number), [v, stats], 'float32'),
};

/** Registers the batch-norm kernels on the webgpu backend (the engine does, unless kept stock); calling it again does nothing. */
export function installWebgpuBatchNorm(): void {
  for (const [kernelName, run] of Object.entries(kernels)) {
    if (getKernel(kernelName, 'webgpu')) continue;
    const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) =>
      run(webgpuBackend(backend), inputs as Record<string, TensorInfo>, attrs ?? {});
    registerKernel({ kernelName, backendName: 'webgpu', kernelFunc });
  }
}

export function uninstallWebgpuBatchNorm(): void {
  for (const kernelName of Object.keys(kernels)) if (getKernel(kernelName, 'webgpu')) unregisterKernel(kernelName, 'webgpu');
}

/** Whether batch norm runs as these kernels: on webgpu, where the engine registered them. */
export function webgpuBatchNormInstalled(): boolean {
  return tf.getBackend() === 'webgpu' && getKernel(NORMALIZE, 'webgpu') !== undefined;
}

function runKernel<T extends tf.Tensor>(name: string, inputs: Record<string, tf.Tensor>, attrs: NamedAttrMap = {}): T {
  return tf.engine().runKernel(name, inputs, attrs) as T;
}

function assertNhwc(x: tf.Tensor): void {
  if (x.dtype !== 'float32') throw new Error(`batch norm on webgpu expects float32, got ${x.dtype}`);
}

/**
 * Training-mode batch norm over axes 0..2 of an NHWC tensor with exact gradients wrt x, gamma and
 * beta, followed by leaky ReLU with slope `activation.alpha` (0: ReLU) when `activation` is given.
 * `stats` is [2, C]: batch mean and biased variance, kept (outside any tidy); the caller disposes it.
 */
export function webgpuBatchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
  activation?: { alpha: number },
): { y: tf.Tensor4D; stats: tf.Tensor2D } {
  assertNhwc(x);
  const rows = rowsOf(x.shape);
  const act: NamedAttrMap = activation ? { alpha: activation.alpha } : {};
  let stats: tf.Tensor2D | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, gammaIn, betaIn, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const partial = runKernel(STATS_PARTIAL, { x: xIn });
    const s = runKernel<tf.Tensor2D>(STATS_FINAL, { partial }, { rows });
    stats = tf.keep(s);
    save([xIn, gammaIn, s, betaIn]);
    return {
      value: runKernel(NORMALIZE, { x: xIn, stats: s, gamma: gammaIn, beta: betaIn }, { eps, ...act }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, g, st, b] = saved;
        // With an activation, the kernels that read dy take γ and β too, to recompute the pre-activation.
        const affine: Record<string, tf.Tensor> = activation ? { gamma: g, beta: b } : {};
        const sums = runKernel(GRAD_PARTIAL, { dy, x: xs, stats: st, ...affine }, { eps, ...act });
        const dBeta = runKernel(GRAD_FINAL, { partial: sums }, { rows, row: 0, eps });
        const dGamma = runKernel(GRAD_FINAL, { partial: sums, stats: st }, { rows, row: 1, eps });
        const dx = runKernel(GRAD_INPUT, { dy, x: xs, stats: st, gamma: g, ...affine, dBeta, dGamma }, { eps, ...act });
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = op(x, gamma, beta) as tf.Tensor4D;
  return { y, stats: stats! };
}

/** `v·(1 − momentum) + stats[row]·momentum` in one dispatch (row 0: mean, row 1: variance). */
export function webgpuRunningUpdate(v: tf.Tensor1D, stats: tf.Tensor2D, row: 0 | 1, momentum: number): tf.Tensor1D {
  return runKernel<tf.Tensor1D>(RUNNING_UPDATE, { v, stats }, { row, momentum });
}
