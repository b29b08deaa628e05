/**
 * Convolution for the tfjs WebGPU backend as tiled implicit GEMMs: forward, input gradient and
 * filter gradient share one WGSL template and differ only in how a GEMM operand element is
 * fetched from the NHWC tensors (nothing is materialised; im2col happens in the tile loads).
 *
 * Why: the stock kernels compute the filter gradient with one thread per filter weight looping
 * over the whole batch, and the input gradient by testing every filter tap for every output pixel
 * (three quarters of the taps are zero at stride 2). Here
 *  - the filter gradient splits its long reduction (batch × output pixels) over workgroups
 *    ("split-K") and sums the partial tiles in a second pass, so small filters still fill the GPU;
 *  - the input gradient runs one GEMM per stride phase (output pixels with the same (h mod s,
 *    w mod s) use the same filter taps), so no zero taps are multiplied.
 * Every workgroup computes a BM×BN tile of C = A·B, staging BK-deep slices of A and B in
 * workgroup memory; each of its 16×16 threads accumulates TM×TN outputs in registers.
 */
import { backend_util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { chosenConv, DEFAULT_GEMM, type GemmOptions } from './convChoice';
import { overrideKernel } from './overrideKernel';

const THREADS = 256; // per workgroup
const BK = 16; // depth of a staged slice (large tiles use half: same workgroup memory)
const WORKGROUP_BYTES = 16384; // maxComputeWorkgroupStorageSize every WebGPU device has

/** The parts of the WebGPU backend used here (its class is not exported as a type we can name). */
interface WebgpuBackendLike {
  runWebGPUProgram(program: GemmProgram | SumProgram, inputs: TensorInfo[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): void;
}

/** How one GEMM reads its operands and writes its result, as WGSL snippets over i32 m, n, k, z. */
export interface GemmPlan {
  key: string;
  M: number;
  N: number;
  K: number;
  /** Workgroups along z: stride phases (input gradient) or K splits (filter gradient). */
  zCount: number;
  /** K per split; equals K when z does not split K. */
  kPerZ: number;
  /** WGSL expression of the K slice a workgroup takes, from its z (default: z itself). */
  sliceOf?: string;
  /** Partial results to sum into the final one (1: the GEMM writes the result itself). */
  parts: number;
  /**
   * How operand A is read, in two parts so that index arithmetic leaves the K loop: `rowA` is the
   * WGSL body of `fn rowA(m: i32, z: i32) -> vec4<i32>`, what a row needs whatever the depth (run
   * once per thread and staging slot; default: m itself in x), and `loadA` the body of
   * `fn loadA(r: vec4<i32>, k: i32, z: i32) -> f32` (m < M and k < K guaranteed).
   */
  rowA?: string;
  loadA: string;
  /** The same for B, with n for m. */
  rowB?: string;
  loadB: string;
  /** WGSL body of `fn store(m: i32, n: i32, z: i32, v: f32)`. */
  store: string;
  /** Which index is contiguous in memory, so a workgroup's loads are coalesced. */
  aContiguous: 'm' | 'k';
  bContiguous: 'n' | 'k';
  outputShape: number[];
  /** The layout options it was planned with (tile shapes follow from them). */
  options: GemmOptions;
  /** The result's shape once split-K parts are summed (equals outputShape when K is not split). */
  finalShape: number[];
}

type ConvInfo = backend_util.Conv2DInfo;

function dims(c: ConvInfo) {
  return {
    B: c.batchSize,
    IH: c.inHeight,
    IW: c.inWidth,
    CI: c.inChannels,
    OH: c.outHeight,
    OW: c.outWidth,
    CO: c.outChannels,
    KH: c.filterHeight,
    KW: c.filterWidth,
    SH: c.strideHeight,
    SW: c.strideWidth,
    PT: c.padInfo.top,
    PL: c.padInfo.left,
  };
}

function constants(c: ConvInfo): string {
  return Object.entries(dims(c))
    .map(([k, v]) => `const ${k} = ${v};`)
    .join('\n');
}

/**
 * The implicit im2col that forward and filter gradient both read: x at output pixel (b, oh, ow)
 * under filter entry (kh, kw, ci), or 0 in the padding. `pixel` gives (b·IH, oh·SH − PT, ow·SW − PL)
 * from a flattened pixel index, `entry` gives (kh, kw, ci) from a flattened filter entry.
 */
function pixelOrigin(c: ConvInfo, p: string): string {
  return `${constants(c)}
      let b = ${p} / (OH * OW); let q = ${p} % (OH * OW);
      let pixel = vec3<i32>(b * IH, (q / OW) * SH - PT, (q % OW) * SW - PL);`;
}

function filterEntry(c: ConvInfo, e: string): string {
  return `${constants(c)}
      let tap = ${e} / CI;
      let entry = vec3<i32>(tap / KW, tap % KW, ${e} % CI);`;
}

const patchRead = `
      let ih = pixel.y + entry.x; let iw = pixel.z + entry.y;
      if (ih < 0 || ih >= IH || iw < 0 || iw >= IW) { return 0.0; }
      return xIn[((pixel.x + ih) * IW + iw) * CI + entry.z];`;

/** Output tiles of an M×N GEMM with the tile shape it gets. */
function tileCount(M: number, N: number, o: GemmOptions): number {
  const { BM, BN } = tileShape(M, N, o);
  return Math.ceil(M / BM) * Math.ceil(N / BN);
}

/**
 * y = conv(x, W): M = output pixels, N = output channels, K = filter taps × input channels. A
 * layer with few outputs and a long K (a 4x4 'valid' conv to a 1x1 code or to D's 3 logits) would
 * be a handful of workgroups each walking all of K: split K there too.
 */
export function forwardPlan(c: ConvInfo, o: GemmOptions = DEFAULT_GEMM): GemmPlan {
  const d = dims(c);
  const M = d.B * d.OH * d.OW;
  const K = d.KH * d.KW * d.CI;
  const tiles = tileCount(M, d.CO, o);
  const { zCount, kPerZ } = tiles < o.fewTiles ? splitK(K, tiles, o.targetWorkgroups) : { zCount: 1, kPerZ: K };
  return {
    key: `fwd_${JSON.stringify(d)}_${zCount}`,
    options: o,
    M,
    N: d.CO,
    K,
    zCount,
    kPerZ,
    aContiguous: 'k',
    bContiguous: 'n',
    // A row is an output pixel (its origin computed once); the depth k a filter entry.
    rowA: `${pixelOrigin(c, 'm')}\n      return vec4<i32>(pixel, 0);`,
    loadA: `${filterEntry(c, 'k')}\n      let pixel = r.xyz;${patchRead}`,
    loadB: `return wIn[k * ${d.CO} + r.x];`,
    store: `result[(z * ${M} + m) * ${d.CO} + n] = v;`,
    outputShape: zCount === 1 ? [d.B, d.OH, d.OW, d.CO] : [zCount, M * d.CO],
    finalShape: [d.B, d.OH, d.OW, d.CO],
    parts: zCount,
  };
}

/**
 * dx = conv⊤(dy, W), one GEMM per stride phase z = (ph, pw): the input pixels ih = ph + SH·i take
 * exactly the taps kh ≡ ph + PT (mod SH), each from output row oh = i + qh − t. With few tiles and
 * a long K, z also picks a K slice (z = slice·phases + phase) and the slices' results are summed.
 */
export function inputGradPlan(c: ConvInfo, o: GemmOptions = DEFAULT_GEMM): GemmPlan {
  const d = dims(c);
  const MI = Math.ceil(d.IH / d.SH);
  const MJ = Math.ceil(d.IW / d.SW);
  const tilesPerPhase = tileCount(d.B * MI * MJ, d.CI, o);
  const TH = Math.ceil(d.KH / d.SH);
  const TW = Math.ceil(d.KW / d.SW);
  const P = d.SH * d.SW;
  const K = TH * TW * d.CO;
  const total = d.B * d.IH * d.IW * d.CI;
  const { zCount: slices, kPerZ } = tilesPerPhase * P < o.fewTiles ? splitK(K, tilesPerPhase * P, o.targetWorkgroups) : { zCount: 1, kPerZ: K };
  const phase = `${constants(c)}
      const MI = ${MI}; const MJ = ${MJ}; const TH = ${TH}; const TW = ${TW};
      let ph = (z % ${P}) / SW; let pw = (z % ${P}) % SW;
      let rh = (ph + PT) % SH; let rw = (pw + PL) % SW;`;
  const tap = `
      let tap = k / CO; let co = k % CO;
      let kh = rh + SH * (tap / TW); let kw = rw + SW * (tap % TW);
      if (kh >= KH || kw >= KW) { return 0.0; }`;
  return {
    key: `dx_${JSON.stringify(d)}_${slices}`,
    options: o,
    M: d.B * MI * MJ,
    N: d.CI,
    K,
    zCount: P * slices,
    kPerZ,
    sliceOf: `z / ${P}`,
    parts: slices,
    aContiguous: 'k',
    bContiguous: 'k',
    // A row is an input pixel of phase z: (b·OH, the output row and column of its tap 0).
    rowA: `${phase}
      let b = m / (MI * MJ); let q = m % (MI * MJ);
      return vec4<i32>(b * OH, q / MJ + (ph + PT - rh) / SH, q % MJ + (pw + PL - rw) / SW, 0);`,
    loadA: `${phase}${tap}
      let oh = r.y - tap / TW;
      let ow = r.z - tap % TW;
      if (oh < 0 || oh >= OH || ow < 0 || ow >= OW) { return 0.0; }
      return dyIn[((r.x + oh) * OW + ow) * CO + co];`,
    loadB: `${phase}${tap}
      return wIn[((kh * KW + kw) * CI + r.x) * CO + co];`,
    store: `${phase}
      let b = m / (MI * MJ); let r = m % (MI * MJ);
      let ih = ph + SH * (r / MJ); let iw = pw + SW * (r % MJ);
      if (ih < IH && iw < IW) { result[(z / ${P}) * ${total} + ((b * IH + ih) * IW + iw) * CI + n] = v; }`,
    outputShape: slices === 1 ? [d.B, d.IH, d.IW, d.CI] : [slices, total],
    finalShape: [d.B, d.IH, d.IW, d.CI],
  };
}

/**
 * dx when the output is a single pixel covering the whole input (the generator's first block, a
 * transposed 4x4 'valid' conv of a 1x1 code): a dense GEMM, dx[b, tap·ci] = Σ_co dy[b, co]·W[tap·ci, co].
 * The phased plan would multiply 15 zero taps for every real one here.
 */
export function pointInputGradPlan(c: ConvInfo, o: GemmOptions = DEFAULT_GEMM): GemmPlan | undefined {
  const d = dims(c);
  const point = d.OH === 1 && d.OW === 1 && d.PT === 0 && d.PL === 0 && d.IH === d.KH && d.IW === d.KW;
  if (!point) return undefined;
  const N = d.KH * d.KW * d.CI;
  return {
    key: `dxPoint_${JSON.stringify(d)}`,
    options: o,
    M: d.B,
    N,
    K: d.CO,
    zCount: 1,
    kPerZ: d.CO,
    aContiguous: 'k',
    bContiguous: 'k',
    loadA: `return dyIn[r.x * ${d.CO} + k];`,
    loadB: `return wIn[r.x * ${d.CO} + k];`,
    store: `result[m * ${N} + n] = v;`,
    outputShape: [d.B, d.IH, d.IW, d.CI],
    finalShape: [d.B, d.IH, d.IW, d.CI],
    parts: 1,
  };
}

/** K slices no shorter than this: shorter ones cost more in partial sums than they gain. */
const MIN_K_PER_SPLIT = 256;

/** How many slices K is cut into so that tiles × slices approaches `target` workgroups. */
function splitK(K: number, tiles: number, target: number): { zCount: number; kPerZ: number } {
  const wanted = Math.ceil(target / tiles);
  const splits = Math.max(1, Math.min(wanted, Math.floor(K / MIN_K_PER_SPLIT)));
  const kPerZ = Math.ceil(K / splits / BK) * BK;
  return { zCount: Math.ceil(K / kPerZ), kPerZ };
}

/** dW = x⊤-patches · dy: M = filter taps × input channels, N = output channels, K = batch × output pixels. */
export function filterGradPlan(c: ConvInfo, o: GemmOptions = DEFAULT_GEMM): GemmPlan {
  const d = dims(c);
  const K = d.B * d.OH * d.OW;
  const M = d.KH * d.KW * d.CI;
  const { zCount, kPerZ } = splitK(K, tileCount(M, d.CO, o), o.targetWorkgroups);
  return {
    key: `dw_${JSON.stringify(d)}_${zCount}`,
    options: o,
    M,
    N: d.CO,
    K,
    zCount,
    kPerZ,
    aContiguous: 'm',
    bContiguous: 'n',
    // A row is a filter entry (computed once); the depth k an output pixel.
    rowA: `${filterEntry(c, 'm')}\n      return vec4<i32>(entry, 0);`,
    loadA: `${pixelOrigin(c, 'k')}\n      let entry = r.xyz;${patchRead}`,
    loadB: `return dyIn[k * ${d.CO} + r.x];`,
    store: `result[(z * ${M} + m) * ${d.CO} + n] = v;`,
    outputShape: zCount === 1 ? [d.KH, d.KW, d.CI, d.CO] : [zCount, M * d.CO],
    finalShape: [d.KH, d.KW, d.CI, d.CO],
    parts: zCount,
  };
}

/**
 * Threads and outputs per thread along M and N. A narrow N (an image's 1–3 channels) gets a
 * narrow, tall workgroup instead of a square one that would compute mostly padding.
 */
export function tileShape(M: number, N: number, o: Pick<GemmOptions, 'wide' | 'wideDepth'> = DEFAULT_GEMM) {
  // Big GEMMs (the wide layers at training batch sizes): 128×128 tiles, 8×8 outputs a thread.
  // Each staged value then feeds 8 multiply-adds instead of 4, and workgroup-memory bandwidth,
  // not arithmetic, is what limits a tiled GEMM on a GPU.
  // Their depth is 8 by default (two slices fit 16 KiB with padding); 16 where the device has the
  // workgroup memory (half the barriers per multiply-add).
  if (o.wide && M >= 512 && N >= 128) return withLayout({ wgM: 16, wgN: 16, tm: 8, tn: 8, bk: o.wideDepth ?? BK / 2 });
  const wgN = N <= 4 ? 4 : N <= 8 ? 8 : 16;
  const wgM = THREADS / wgN;
  const per = (size: number, threads: number) => (size <= threads ? 1 : size <= 2 * threads ? 2 : 4);
  let tm = per(M, wgM);
  const tn = per(N, wgN);
  // Staged A and B slices must fit WebGPU's guaranteed 16 KiB of workgroup memory.
  while (tm > 1 && withLayout({ wgM, wgN, tm, tn, bk: BK }).workgroupBytes > WORKGROUP_BYTES) tm /= 2;
  return withLayout({ wgM, wgN, tm, tn, bk: BK });
}

/**
 * Where a tile lives in workgroup memory. When every thread owns 4-row × 4-column blocks, the
 * slices are read as vec4 (one 16-byte load instead of four) and each row is padded by one vec4,
 * so the stores of k-contiguous operands (8 depths × 4 rows a warp) fall in distinct banks.
 */
function withLayout(t: { wgM: number; wgN: number; tm: number; tn: number; bk: number }) {
  const vec4 = t.tm % 4 === 0 && t.tn % 4 === 0;
  const BM = t.wgM * t.tm;
  const BN = t.wgN * t.tn;
  const pad = vec4 ? 4 : 0;
  return { ...t, BM, BN, vec4, strideM: BM + pad, strideN: BN + pad, workgroupBytes: t.bk * (BM + BN + 2 * pad) * 4 };
}

type Tile = ReturnType<typeof tileShape>;

/** WGSL statements repeated for each i in [0, n): unrolled here so indices are constants. */
function unroll(n: number, body: (i: number) => string): string {
  return Array.from({ length: n }, (_, i) => body(i)).join('\n');
}

/**
 * The staging slots of one operand for thread t: round i stages the element (depth, row) of the
 * tile's slice with the contiguous index varying fastest across threads (coalesced reads). Either
 * all rounds share one depth (depth-contiguous: only the row moves) or one row (row-contiguous:
 * only the depth moves), so the operand's row values (`rowA`/`rowB`) are computed before the K
 * loop, once per distinct row, and depth arithmetic is shared by all rounds.
 */
interface StagingSlots {
  setup: string;
  depth(i: number): string;
  row(i: number): string;
  /** Whether round i's row is inside the matrix (its depth is checked against the slice end). */
  ok(i: number): string;
  /** Round i's place in workgroup memory (depth · stride + row). */
  at(i: number): string;
  /** A condition for rounds that may fall outside the tile ('' when every round is inside). */
  inTile(i: number): string;
}

function stagingSlots(
  op: string,
  depthContiguous: boolean,
  rows: number,
  depth: number,
  rounds: number,
  o: { first: string; size: number; row: string; stride: number },
): StagingSlots {
  const full = rounds * THREADS === rows * depth;
  if (depthContiguous) {
    if (THREADS % depth !== 0) throw new Error(`GEMM tile: ${THREADS} threads do not cover whole rows of depth ${depth}`);
    const step = THREADS / depth; // rows between rounds
    const rowOf = (i: number) => `${op}r + ${i * step}`;
    return {
      setup: `let ${op}k = t % ${depth}; let ${op}r = t / ${depth};
        ${unroll(rounds, (i) => `let ${op}row${i} = ${o.row}(${o.first} + ${rowOf(i)}, z); let ${op}ok${i} = ${o.first} + ${rowOf(i)} < ${o.size};`)}`,
      depth: () => `${op}k`,
      row: (i) => `${op}row${i}`,
      ok: (i) => `${op}ok${i}`,
      at: (i) => `${op}k * ${o.stride} + ${rowOf(i)}`,
      inTile: (i) => (full ? '' : `${rowOf(i)} < ${rows}`),
    };
  }
  if (THREADS % rows !== 0) throw new Error(`GEMM tile: ${THREADS} threads do not cover whole depths of ${rows} rows`);
  const step = THREADS / rows; // depths between rounds
  const depthOf = (i: number) => `${op}k + ${i * step}`;
  return {
    setup: `let ${op}r = t % ${rows}; let ${op}k = t / ${rows};
        let ${op}row = ${o.row}(${o.first} + ${op}r, z); let ${op}ok = ${o.first} + ${op}r < ${o.size};`,
    depth: depthOf,
    row: () => `${op}row`,
    ok: (i) => (full ? `${op}ok` : `${op}ok && ${depthOf(i)} < ${depth}`),
    at: (i) => `(${depthOf(i)}) * ${o.stride} + ${op}r`,
    inTile: (i) => (full ? '' : `${depthOf(i)} < ${depth}`),
  };
}

export class GemmProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly workgroupSize: [number, number, number];
  readonly dispatchLayout: { x: number[]; y: number[] };
  dispatch: [number, number, number];
  shaderKey: string;
  readonly size = false;
  private readonly tile: Tile;

  constructor(
    private readonly plan: GemmPlan,
    inputs: [string, string],
  ) {
    this.variableNames = inputs;
    this.outputShape = plan.outputShape;
    const rank = plan.outputShape.length;
    this.dispatchLayout = { x: [rank - 1], y: [...Array(rank - 1).keys()] };
    this.tile = tileShape(plan.M, plan.N, plan.options);
    const { wgM, wgN, BM, BN, tm, tn } = this.tile;
    this.workgroupSize = [wgN, wgM, 1];
    this.dispatch = [Math.ceil(plan.N / BN), Math.ceil(plan.M / BM), plan.zCount];
    this.shaderKey = `dtnGemm3_${plan.key}_${wgN}_${tm}_${tn}_${this.tile.bk}_${plan.aContiguous}${plan.bContiguous}`;
  }

  getUserCode(): string {
    const { plan, tile } = this;
    const { wgN, BM, BN, bk: BK } = tile;
    // Staging slots per thread (the last round may be partial when a tile is narrow).
    const aRounds = Math.ceil((BM * BK) / THREADS);
    const bRounds = Math.ceil((BN * BK) / THREADS);
    const a = stagingSlots('a', plan.aContiguous === 'k', BM, BK, aRounds, { first: 'm0', size: plan.M, row: 'rowA', stride: tile.vec4 ? tile.strideM : BM });
    const b = stagingSlots('b', plan.bContiguous === 'k', BN, BK, bRounds, { first: 'n0', size: plan.N, row: 'rowB', stride: tile.vec4 ? tile.strideN : BN });
    // Global reads of the slice starting at depth k0 into registers: issued before the current
    // slice's arithmetic, so their latency hides behind it.
    const fetch = (k0: string) => `
          ${unroll(aRounds, (i) => `aR[${i}] = 0.0; if (${a.ok(i)} && ${k0} + ${a.depth(i)} < kEnd) { aR[${i}] = loadA(${a.row(i)}, ${k0} + ${a.depth(i)}, z); }`)}
          ${unroll(bRounds, (j) => `bR[${j}] = 0.0; if (${b.ok(j)} && ${k0} + ${b.depth(j)} < kEnd) { bR[${j}] = loadB(${b.row(j)}, ${k0} + ${b.depth(j)}, z); }`)}`;
    const put = (to: 'As' | 'Bs', slots: StagingSlots, i: number, value: string) => {
      const at = slots.at(i);
      const write = tile.vec4 ? `${to}[(${at}) / 4][(${at}) % 4] = ${value};` : `${to}[${at}] = ${value};`;
      return slots.inTile(i) ? `if (${slots.inTile(i)}) { ${write} }` : write;
    };
    const stage = `${unroll(aRounds, (i) => put('As', a, i, `aR[${i}]`))}
          ${unroll(bRounds, (j) => put('Bs', b, j, `bR[${j}]`))}`;
    const kLen = Math.min(plan.kPerZ, plan.K);
    return `
      ${tile.vec4 ? `var<workgroup> As: array<vec4<f32>, ${(BK * tile.strideM) / 4}>;\n      var<workgroup> Bs: array<vec4<f32>, ${(BK * tile.strideN) / 4}>;` : `var<workgroup> As: array<f32, ${BK * BM}>;\n      var<workgroup> Bs: array<f32, ${BK * BN}>;`}

      fn rowA(m: i32, z: i32) -> vec4<i32> { ${plan.rowA ?? 'return vec4<i32>(m, 0, 0, 0);'} }
      fn rowB(n: i32, z: i32) -> vec4<i32> { ${plan.rowB ?? 'return vec4<i32>(n, 0, 0, 0);'} }
      fn loadA(r: vec4<i32>, k: i32, z: i32) -> f32 { ${plan.loadA} }
      fn loadB(r: vec4<i32>, k: i32, z: i32) -> f32 { ${plan.loadB} }
      fn store(m: i32, n: i32, z: i32, v: f32) { ${plan.store} }

      fn main() {
        // Sizes are compiled in, but the backend always binds its uniforms: keep them in the layout.
        _ = uniforms.NAN;
        let tx = i32(localId.x);
        let ty = i32(localId.y);
        let t = ty * ${wgN} + tx;
        let m0 = i32(workgroupId.y) * ${BM};
        let n0 = i32(workgroupId.x) * ${BN};
        let z = i32(workgroupId.z);
        let kBegin = ${plan.kPerZ >= plan.K ? '0' : `(${plan.sliceOf ?? 'z'}) * ${plan.kPerZ}`};
        let kEnd = min(kBegin + ${plan.kPerZ}, ${plan.K});
        ${a.setup}
        ${b.setup}
        var aR: array<f32, ${aRounds}>;
        var bR: array<f32, ${bRounds}>;
        ${tile.vec4 ? this.vecAccumulators() : `var acc: array<array<f32, ${tile.tn}>, ${tile.tm}>;`}
        ${fetch('kBegin')}
        // The trip count is a constant: barriers need uniform control flow, and the backend hands
        // workgroupId over through a private variable the compiler cannot prove uniform.
        for (var kStep = 0; kStep < ${kLen}; kStep = kStep + ${BK}) {
          ${stage}
          workgroupBarrier();
          ${fetch(`kBegin + kStep + ${BK}`)}
          ${tile.vec4 ? this.vecProducts() : this.scalarProducts()}
          workgroupBarrier();
        }
        ${tile.vec4 ? this.vecEpilogue() : this.scalarEpilogue()}
      }`;
  }

  /** Thread (tx, ty) owns rows g·4·wgM + 4·ty + [0, 4) and columns h·4·wgN + 4·tx + [0, 4). */
  private vecAccumulators(): string {
    const { tm, tn } = this.tile;
    return unroll(tm, (i) => unroll(tn / 4, (h) => `var acc${i}_${h} = vec4<f32>(0.0);`));
  }

  private vecProducts(): string {
    const { tm, tn, wgM, wgN, bk, strideM, strideN } = this.tile;
    return `for (var kk = 0; kk < ${bk}; kk = kk + 1) {
            ${unroll(tm / 4, (g) => `let a${g} = As[kk * ${strideM / 4} + ty + ${g * wgM}];`)}
            ${unroll(tn / 4, (h) => `let b${h} = Bs[kk * ${strideN / 4} + tx + ${h * wgN}];`)}
            ${unroll(tm, (i) => unroll(tn / 4, (h) => `acc${i}_${h} = fma(vec4<f32>(a${Math.floor(i / 4)}[${i % 4}]), b${h}, acc${i}_${h});`))}
          }`;
  }

  private vecEpilogue(): string {
    const { tm, tn, wgM, wgN } = this.tile;
    return unroll(tm, (i) => {
      const row = `m0 + ${Math.floor(i / 4) * 4 * wgM + (i % 4)} + 4 * ty`;
      return `{ let m = ${row}; if (m < ${this.plan.M}) {
          ${unroll(tn / 4, (h) =>
            unroll(4, (c) => `{ let n = n0 + ${h * 4 * wgN + c} + 4 * tx; if (n < ${this.plan.N}) { store(m, n, z, acc${i}_${h}[${c}]); } }`),
          )}
        } }`;
    });
  }

  /** Thread (tx, ty) owns rows ty + i·wgM and columns tx + j·wgN: conflict-free scalar reads. */
  private scalarProducts(): string {
    const { tm: TM, tn: TN, wgM, wgN, bk: BK, BM, BN } = this.tile;
    return `for (var kk = 0; kk < ${BK}; kk = kk + 1) {
            var a: array<f32, ${TM}>;
            var b: array<f32, ${TN}>;
            ${unroll(TM, (i) => `a[${i}] = As[kk * ${BM} + ty + ${i * wgM}];`)}
            ${unroll(TN, (j) => `b[${j}] = Bs[kk * ${BN} + tx + ${j * wgN}];`)}
            ${unroll(TM, (i) => unroll(TN, (j) => `acc[${i}][${j}] = fma(a[${i}], b[${j}], acc[${i}][${j}]);`))}
          }`;
  }

  private scalarEpilogue(): string {
    const { tm: TM, tn: TN, wgM, wgN } = this.tile;
    return unroll(TM, (i) =>
      unroll(TN, (j) => `{ let m = m0 + ty + ${i * wgM}; let n = n0 + tx + ${j * wgN};
        if (m < ${this.plan.M} && n < ${this.plan.N}) { store(m, n, z, acc[${i}][${j}]); } }`),
    );
  }
}

/** Sums [parts, size] over parts: the second pass of a split-K filter gradient. */
export class SumProgram {
  readonly variableNames = ['partial'];
  readonly workgroupSize: [number, number, number] = [256, 1, 1];
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey: string;
  readonly size = false;

  constructor(
    readonly outputShape: number[],
    private readonly parts: number,
  ) {
    const total = outputShape.reduce((a, b) => a * b, 1);
    this.dispatchLayout = { x: [...outputShape.keys()] };
    this.dispatch = [Math.ceil(total / 256), 1, 1];
    this.shaderKey = `dtnSumParts_${parts}_${total}`;
  }

  getUserCode(): string {
    const total = this.outputShape.reduce((a, b) => a * b, 1);
    return `
      fn main(index: i32) {
        _ = uniforms.NAN;
        if (index >= ${total}) { return; }
        var s = 0.0;
        for (var p = 0; p < ${this.parts}; p = p + 1) { s = s + partial[p * ${total} + index]; }
        result[index] = s;
      }`;
  }
}

type Attrs = {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/** NHWC float32 without dilation: everything this project runs; anything else keeps the stock kernel. */
function supported(attrs: Attrs, ...ts: TensorInfo[]): boolean {
  const dil = attrs.dilations ?? 1;
  const noDilation = Array.isArray(dil) ? dil.every((v) => v === 1) : dil === 1;
  return (attrs.dataFormat ?? 'NHWC') === 'NHWC' && noDilation && ts.every((t) => t.dtype === 'float32');
}

function convInfo(inShape: number[], filterShape: number[], attrs: Attrs): ConvInfo {
  return backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

function runGemm(backend: WebgpuBackendLike, plan: GemmPlan, names: [string, string], inputs: [TensorInfo, TensorInfo]): TensorInfo {
  const partial = backend.runWebGPUProgram(new GemmProgram(plan, names), inputs, 'float32');
  if (plan.parts === 1) return partial;
  const out = backend.runWebGPUProgram(new SumProgram(plan.finalShape, plan.parts), [partial], 'float32');
  backend.disposeData(partial.dataId);
  return out;
}

/**
 * The GEMM options for this call: the ones tuned for its shapes on this device (convChoice.ts), or
 * the defaults; undefined when tuning found the stock kernel faster (the caller then falls back).
 */
function optionsFor(kernel: string, info: ConvInfo): GemmOptions | undefined {
  const choice = chosenConv(convKey(kernel, info));
  return choice === 'stock' ? undefined : (choice ?? DEFAULT_GEMM);
}

/** Identifies a convolution kernel call by what decides its work: the kernel and its sizes. */
export function convKey(kernel: string, info: ConvInfo): string {
  return `${kernel}/${JSON.stringify(dims(info))}`;
}

type Shaped = Record<string, { shape: number[] }>;

/** The convolution of a kernel call given as the kernel registry sees it (inputs and attributes). */
function callInfo(kernel: WebgpuConvKernel, inputs: Shaped, attrs: object): ConvInfo {
  const a = attrs as Attrs & { inputShape?: number[]; filterShape?: number[] };
  if (kernel === 'Conv2D') return convInfo(inputs.x.shape, inputs.filter.shape, a);
  if (kernel === 'Conv2DBackpropInput') return convInfo(a.inputShape!, inputs.filter.shape, a);
  return convInfo(inputs.x.shape, a.filterShape!, a);
}

export function convCallKey(kernel: WebgpuConvKernel, inputs: Shaped, attrs: object): string {
  return convKey(kernel, callInfo(kernel, inputs, attrs));
}

function planFor(kernel: WebgpuConvKernel, info: ConvInfo, o: GemmOptions): GemmPlan {
  if (kernel === 'Conv2D') return forwardPlan(info, o);
  if (kernel === 'Conv2DBackpropInput') return pointInputGradPlan(info, o) ?? inputGradPlan(info, o);
  return filterGradPlan(info, o);
}

/** What a call runs under options `o` (shader and grid): options with equal layouts need one measurement. */
export function gemmLayout(kernel: WebgpuConvKernel, inputs: Shaped, attrs: object, o: GemmOptions): string {
  const program = new GemmProgram(planFor(kernel, callInfo(kernel, inputs, attrs), o), ['a', 'b']);
  return `${program.shaderKey}/${program.dispatch.join('x')}`;
}

/** Workgroup memory a call's GEMM needs under options `o`, in bytes. */
export function gemmWorkgroupBytes(kernel: WebgpuConvKernel, inputs: Shaped, attrs: object, o: GemmOptions): number {
  const plan = planFor(kernel, callInfo(kernel, inputs, attrs), o);
  return tileShape(plan.M, plan.N, o).workgroupBytes;
}

/** What the registered kernel runs for this call now: the layout of its GEMM, or 'stock'. */
export function activeConvLayout(kernel: WebgpuConvKernel, inputs: Shaped, attrs: object): string {
  const o = optionsFor(kernel, callInfo(kernel, inputs, attrs));
  return o ? gemmLayout(kernel, inputs, attrs, o) : 'stock';
}

export const conv2dForward: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as Attrs;
  if (!supported(a, x, filter)) return undefined as unknown as TensorInfo;
  const info = convInfo(x.shape, filter.shape, a);
  const o = optionsFor('Conv2D', info);
  if (!o) return undefined as unknown as TensorInfo;
  return runGemm(backend as unknown as WebgpuBackendLike, planFor('Conv2D', info, o), ['xIn', 'wIn'], [x, filter]);
};

export const conv2dInputGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as Attrs & { inputShape: number[] };
  if (!supported(a, dy, filter)) return undefined as unknown as TensorInfo;
  const info = convInfo(a.inputShape, filter.shape, a);
  const o = optionsFor('Conv2DBackpropInput', info);
  if (!o) return undefined as unknown as TensorInfo;
  return runGemm(backend as unknown as WebgpuBackendLike, planFor('Conv2DBackpropInput', info, o), ['dyIn', 'wIn'], [dy, filter]);
};

export const conv2dFilterGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as Attrs & { filterShape: number[] };
  if (!supported(a, x, dy)) return undefined as unknown as TensorInfo;
  const info = convInfo(x.shape, a.filterShape, a);
  const o = optionsFor('Conv2DBackpropFilter', info);
  if (!o) return undefined as unknown as TensorInfo;
  return runGemm(backend as unknown as WebgpuBackendLike, planFor('Conv2DBackpropFilter', info, o), ['xIn', 'dyIn'], [x, dy]);
};

export const WEBGPU_CONV_KERNELS = {
  Conv2D: conv2dForward,
  Conv2DBackpropInput: conv2dInputGrad,
  Conv2DBackpropFilter: conv2dFilterGrad,
} as const;

export type WebgpuConvKernel = keyof typeof WEBGPU_CONV_KERNELS;

/**
 * Registers the GEMM kernels for the webgpu backend. `only` limits which (for measuring one
 * against the stock kernel); the rest stay stock.
 */
export function installWebgpuConv(only: readonly WebgpuConvKernel[] = Object.keys(WEBGPU_CONV_KERNELS) as WebgpuConvKernel[]): void {
  for (const name of only) {
    const fn = WEBGPU_CONV_KERNELS[name];
    overrideKernel(name, 'webgpu', (args) => fn(args) as TensorInfo | undefined);
  }
}
