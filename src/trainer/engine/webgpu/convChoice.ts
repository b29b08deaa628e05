/**
 * Which convolution kernel each conv call of a run uses on WebGPU. The best tile shape and K split
 * depend on the GPU (how many cores to fill, how fast its workgroup memory is), and on some shapes
 * the stock tfjs kernel may win, so a run can measure the candidates on its own device
 * (convTune.ts) and record the winner in its ConvChoices per call shape. Calls without a choice
 * use DEFAULT_GEMM.
 */

/** How a convolution GEMM is laid out. */
export interface GemmOptions {
  /** Short name for logs and benchmarks. */
  name: string;
  /** Allow 128×128 tiles (8×8 outputs a thread) for wide layers; otherwise at most 64×64. */
  wide: boolean;
  /** A forward or input-gradient GEMM with fewer output tiles than this splits K. */
  fewTiles: number;
  /** Workgroups a K split aims for (tiles × slices). */
  targetWorkgroups: number;
  /** Depth of the staged slices of wide tiles (default 8 for 128×128, 16 for 128×64). */
  wideDepth?: number;
  /** Outputs a thread along N in wide tiles: 8 (128×128 tiles, the default) or 4 (128×64). */
  wideTn?: 4 | 8;
}

export const DEFAULT_GEMM: GemmOptions = { name: 'gemm', wide: true, fewTiles: 64, targetWorkgroups: 512 };

/** The layouts a tuning run measures, the default first (ties keep it). */
export const GEMM_CANDIDATES: readonly GemmOptions[] = [
  DEFAULT_GEMM,
  // More workgroups: a big GPU has over 100 cores, and a layer of 64 wide tiles fills half of them.
  { name: 'gemm-split', wide: true, fewTiles: 1024, targetWorkgroups: 1024 },
  // Deeper slices: half the barriers, on devices with more than the guaranteed 16 KiB.
  { name: 'gemm-k16', wide: true, fewTiles: 64, targetWorkgroups: 512, wideDepth: 16 },
  { name: 'gemm-k16-split', wide: true, fewTiles: 1024, targetWorkgroups: 1024, wideDepth: 16 },
  // Twice the workgroups of 128×128 tiles without splitting K.
  { name: 'gemm-128x64', wide: true, fewTiles: 64, targetWorkgroups: 512, wideTn: 4 },
  { name: 'gemm-64', wide: false, fewTiles: 64, targetWorkgroups: 512 },
  { name: 'gemm-64-split', wide: false, fewTiles: 1024, targetWorkgroups: 1024 },
];

export type ConvChoice = GemmOptions | 'stock';

/**
 * The choices of one engine (engineContext.ts), by convKey: the conv kernels registered for it read
 * them, tuning writes them. A new backend start begins with none (every call on DEFAULT_GEMM).
 */
export class ConvChoices {
  private readonly choices = new Map<string, ConvChoice>();

  get(key: string): ConvChoice | undefined {
    return this.choices.get(key);
  }

  set(key: string, choice: ConvChoice): void {
    this.choices.set(key, choice);
  }

  delete(key: string): void {
    this.choices.delete(key);
  }

  /** Forgets every choice (a test that wants the defaults). */
  clear(): void {
    this.choices.clear();
  }
}

export function choiceName(choice: ConvChoice): string {
  return choice === 'stock' ? 'stock' : choice.name;
}
