/**
 * The tiled GEMM C = A·B that this project's WebGPU convolutions run (convGemmPlans.ts says how
 * each convolution reads its operands). Every workgroup computes a BM×BN tile of C, staging
 * BK-deep slices of A and B in workgroup memory; each of its threads accumulates TM×TN outputs in
 * registers. The next slice's global reads are issued before the current slice's arithmetic, and
 * each operand row's index arithmetic is done once, outside the K loop.
 */
import { DEFAULT_GEMM, type GemmOptions } from './convChoice';
import type { WebgpuProgram } from './tfjsInternals';

const THREADS = 256; // per workgroup
export const BK = 16; // depth of a staged slice (large tiles use half: same workgroup memory)
const WORKGROUP_BYTES = 16384; // maxComputeWorkgroupStorageSize every WebGPU device has

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

/** Output tiles of an M×N GEMM under layout options `o`. */
export function tileCount(M: number, N: number, o: GemmOptions): number {
  const { BM, BN } = tileShape(M, N, o);
  return Math.ceil(M / BM) * Math.ceil(N / BN);
}

/**
 * Threads and outputs per thread along M and N. A narrow N (an image's 1–3 channels) gets a
 * narrow, tall workgroup instead of a square one that would compute mostly padding.
 */
export function tileShape(M: number, N: number, o: Pick<GemmOptions, 'wide' | 'wideDepth' | 'wideTn'> = DEFAULT_GEMM) {
  // Big GEMMs (the wide layers at training batch sizes): 128×128 tiles, 8×8 outputs a thread.
  // Each staged value then feeds 8 multiply-adds instead of 4, and workgroup-memory bandwidth,
  // not arithmetic, is what limits a tiled GEMM on a GPU.
  // Their depth is 8 by default (two slices fit 16 KiB with padding); 16 where the device has the
  // workgroup memory (half the barriers per multiply-add). 128×64 tiles (8×4 a thread) make twice
  // as many workgroups, for GPUs with more cores than a layer has 128×128 tiles, at depth 16.
  if (o.wide && M >= 512 && N >= 128) {
    const tn = o.wideTn ?? 8;
    return withLayout({ wgM: 16, wgN: 16, tm: 8, tn, bk: o.wideDepth ?? (tn === 8 ? BK / 2 : BK) });
  }
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
        ${unroll(rounds, (i) => {
          const row = `${o.first} + ${rowOf(i)}`;
          return `let ${op}row${i} = ${o.row}(${row}, z); let ${op}ok${i} = ${row} < ${o.size};`;
        })}`,
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

export class GemmProgram implements WebgpuProgram {
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
    const a = stagingSlots('a', plan.aContiguous === 'k', BM, BK, aRounds, {
      first: 'm0',
      size: plan.M,
      row: 'rowA',
      stride: tile.vec4 ? tile.strideM : BM,
    });
    const b = stagingSlots('b', plan.bContiguous === 'k', BN, BK, bRounds, {
      first: 'n0',
      size: plan.N,
      row: 'rowB',
      stride: tile.vec4 ? tile.strideN : BN,
    });
    // Global reads of the slice starting at depth k0 into registers: issued before the current
    // slice's arithmetic, so their latency hides behind it.
    // One staging slot's read: zero outside the operand or past kEnd.
    const load = (reg: string, fn: string, ok: string, row: string, k: string) =>
      `${reg} = 0.0; if (${ok} && ${k} < kEnd) { ${reg} = ${fn}(${row}, ${k}, z); }`;
    const fetch = (k0: string) => `
          ${unroll(aRounds, (i) => load(`aR[${i}]`, 'loadA', a.ok(i), a.row(i), `${k0} + ${a.depth(i)}`))}
          ${unroll(bRounds, (j) => load(`bR[${j}]`, 'loadB', b.ok(j), b.row(j), `${k0} + ${b.depth(j)}`))}`;
    const put = (to: 'As' | 'Bs', slots: StagingSlots, i: number, value: string) => {
      const at = slots.at(i);
      const write = tile.vec4 ? `${to}[(${at}) / 4][(${at}) % 4] = ${value};` : `${to}[${at}] = ${value};`;
      return slots.inTile(i) ? `if (${slots.inTile(i)}) { ${write} }` : write;
    };
    const stage = `${unroll(aRounds, (i) => put('As', a, i, `aR[${i}]`))}
          ${unroll(bRounds, (j) => put('Bs', b, j, `bR[${j}]`))}`;
    const kLen = Math.min(plan.kPerZ, plan.K);
    const [elem, aLen, bLen] = tile.vec4 ? ['vec4<f32>', (BK * tile.strideM) / 4, (BK * tile.strideN) / 4] : ['f32', BK * BM, BK * BN];
    const workgroupArrays = `var<workgroup> As: array<${elem}, ${aLen}>;\n      var<workgroup> Bs: array<${elem}, ${bLen}>;`;
    return `
      ${workgroupArrays}

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
            ${unroll(tm, (i) => unroll(tn / 4, (h) => `acc${i}_${h} = fma(vec4<f32>(a${(i / 4) | 0}[${i % 4}]), b${h}, acc${i}_${h});`))}
          }`;
  }

  private vecEpilogue(): string {
    const { tm, tn, wgM, wgN } = this.tile;
    return unroll(tm, (i) => {
      const row = `m0 + ${Math.floor(i / 4) * 4 * wgM + (i % 4)} + 4 * ty`;
      return `{ let m = ${row}; if (m < ${this.plan.M}) {
          ${unroll(tn / 4, (h) =>
            unroll(
              4,
              (c) => `{ let n = n0 + ${h * 4 * wgN + c} + 4 * tx; if (n < ${this.plan.N}) { store(m, n, z, acc${i}_${h}[${c}]); } }`,
            ),
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
      unroll(
        TN,
        (j) => `{ let m = m0 + ty + ${i * wgM}; let n = n0 + tx + ${j * wgN};
        if (m < ${this.plan.M} && n < ${this.plan.N}) { store(m, n, z, acc[${i}][${j}]); } }`,
      ),
    );
  }
}

/** Sums [parts, size] over parts: the second pass of a split-K filter gradient. */
export class SumProgram implements WebgpuProgram {
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
