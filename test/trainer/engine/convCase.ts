/** A convolution test case: NHWC input batch×h×h×inC, an f×f filter to outC channels. */
export interface ConvCase {
  batch: number;
  h: number;
  inC: number;
  outC: number;
  f: number;
  stride: number;
  pad: 'same' | 'valid';
}

/** "2x8x8x3 * 4x4->20 stride 2 same": how test titles name a case. */
export function convCaseName(k: ConvCase): string {
  return `${k.batch}x${k.h}x${k.h}x${k.inC} * ${k.f}x${k.f}->${k.outC} stride ${k.stride} ${k.pad}`;
}
