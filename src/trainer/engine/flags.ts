/**
 * Every DTN_* switch of the trainer, registered as tfjs registers its own flags: the environment is
 * read once, by the flag's evaluation function here, and tests set a flag with tf.env().set (or
 * withFlags below) instead of editing process.env.
 *
 * | flag                 | values                                    | meaning                                        |
 * | -------------------- | ----------------------------------------- | ---------------------------------------------- |
 * | `DTN_STOCK_KERNELS`  | `all`, or a comma-separated list of       | keep these of this project's WebGPU kernels    |
 * |                      | STOCK_KERNEL_SWITCHES; unset: none        | stock (to measure them against tfjs's own)     |
 * | `DTN_CONV_TUNE`      | `1`, `0`; unset: the adapter decides      | tune the conv kernels on this device, or not   |
 * | `DTN_DAWN_FLAGS`     | comma-separated Dawn flags                | e.g. enable-dawn-features=disable_robustness   |
 * | `DTN_DEBUG`          | any non-empty value                       | the CLI prints an error's stack                |
 * | `DTN_STUDIO_VERSION` | a version string; unset: package.json's   | the DTN Studio version run.json records       |
 *
 * The engine's flags are parsed into EngineSettings when a backend starts (engineContext.ts); a
 * bad value stops the webgpu backend, which is the one that reads them, with the valid values.
 */
import * as tf from '@tensorflow/tfjs-core';

/** What DTN_STOCK_KERNELS may name: this project's WebGPU kernels and Plan (the replayed step). */
export const STOCK_KERNEL_SWITCHES = [
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'BatchNorm',
  'Activation',
  'Adam',
  'Plan',
] as const;
export type KernelSwitch = (typeof STOCK_KERNEL_SWITCHES)[number];

const FLAGS = {
  DTN_STOCK_KERNELS: '',
  DTN_CONV_TUNE: '',
  DTN_DAWN_FLAGS: '',
  DTN_DEBUG: false,
  DTN_STUDIO_VERSION: '',
} as const;

export type DtnFlag = keyof typeof FLAGS;
type FlagValue<F extends DtnFlag> = (typeof FLAGS)[F] extends boolean ? boolean : string;

for (const [name, fallback] of Object.entries(FLAGS)) {
  tf.env().registerFlag(name, () => {
    const raw = process.env[name];
    if (typeof fallback === 'boolean') return Boolean(raw);
    return raw ?? fallback;
  });
}

export function dtnFlag<F extends DtnFlag>(name: F): FlagValue<F> {
  return tf.env().get(name) as FlagValue<F>;
}

/** Sets flags while `fn` runs (awaited), then puts back what they were: for tests. */
export async function withFlags<T>(values: { [F in DtnFlag]?: FlagValue<F> }, fn: () => T | Promise<T>): Promise<T> {
  const saved = Object.keys(values).map((name) => [name, tf.env().get(name)] as const);
  for (const [name, value] of Object.entries(values)) tf.env().set(name, value);
  try {
    return await fn();
  } finally {
    for (const [name, value] of saved) tf.env().set(name, value);
  }
}

/** The engine's switches, parsed and validated. */
export interface EngineSettings {
  /** Kernels kept stock (`all` expanded). */
  stockKernels: ReadonlySet<KernelSwitch>;
  /** DTN_CONV_TUNE: undefined lets the adapter decide (convTune.ts). */
  convTune?: boolean;
  dawnFlags: readonly string[];
}

/** A flag with a value that names nothing: what it is and the values it takes. */
export interface FlagProblem {
  flag: DtnFlag;
  short: string;
  fix: string;
}

/** Parses the engine's flags; values that name nothing are left out of the settings and reported. */
export function readEngineSettings(): { settings: EngineSettings; problems: FlagProblem[] } {
  const problems: FlagProblem[] = [];
  const names = dtnFlag('DTN_STOCK_KERNELS')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // A typo would otherwise measure the wrong thing.
  const unknown = names.filter((n) => n !== 'all' && !(STOCK_KERNEL_SWITCHES as readonly string[]).includes(n));
  if (unknown.length) {
    problems.push({
      flag: 'DTN_STOCK_KERNELS',
      short: `DTN_STOCK_KERNELS names ${unknown.join(', ')}, which is not a switch`,
      fix: `Use all, or a comma-separated list of ${STOCK_KERNEL_SWITCHES.join(', ')}`,
    });
  }
  const stockKernels = new Set(STOCK_KERNEL_SWITCHES.filter((s) => names.includes(s) || names.includes('all')));
  const tune = dtnFlag('DTN_CONV_TUNE');
  if (tune !== '' && tune !== '1' && tune !== '0') {
    problems.push({
      flag: 'DTN_CONV_TUNE',
      short: `DTN_CONV_TUNE is "${tune}"`,
      fix: 'Set it to 1 (tune the conv kernels on this device), 0 (default layouts) or leave it unset',
    });
  }
  const convTune = tune === '1' ? true : tune === '0' ? false : undefined;
  const dawnFlags = dtnFlag('DTN_DAWN_FLAGS').split(',').filter(Boolean);
  return { settings: { stockKernels, ...(convTune === undefined ? {} : { convTune }), dawnFlags }, problems };
}

/** Whether this project's kernel (or the replayed step) is in use under these settings. */
export function ownKernel(settings: EngineSettings, name: KernelSwitch): boolean {
  return !settings.stockKernels.has(name);
}
