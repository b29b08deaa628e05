/**
 * Convolutions as GEMM plans (webgpuGemm.ts runs them): forward, input gradient and filter
 * gradient differ only in how a GEMM operand element is fetched from the NHWC tensors (nothing is
 * materialised; im2col happens in the tile loads).
 *
 * Why: the stock kernels compute the filter gradient with one thread per filter weight looping
 * over the whole batch, and the input gradient by testing every filter tap for every output pixel
 * (three quarters of the taps are zero at stride 2). Here
 *  - the filter gradient splits its long reduction (batch × output pixels) over workgroups
 *    ("split-K") and sums the partial tiles in a second pass, so small filters still fill the GPU;
 *  - the input gradient runs one GEMM per stride phase (output pixels with the same (h mod s,
 *    w mod s) use the same filter taps), so no zero taps are multiplied.
 */
import type { backend_util } from '@tensorflow/tfjs-core';
import { DEFAULT_GEMM, type GemmOptions } from './convChoice';
import { BK, tileCount, type GemmPlan } from './webgpuGemm';

export type ConvInfo = backend_util.Conv2DInfo;

export function dims(c: ConvInfo) {
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
  const { zCount: slices, kPerZ } =
    tilesPerPhase * P < o.fewTiles ? splitK(K, tilesPerPhase * P, o.targetWorkgroups) : { zCount: 1, kPerZ: K };
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
