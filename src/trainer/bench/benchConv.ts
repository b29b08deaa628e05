/**
 * `dtn bench --conv`: every distinct convolution kernel call of one DTN step, timed under each GEMM
 * layout this project has and with the stock tfjs kernel on the same inputs, with the achieved
 * TFLOP/s: what conv tuning decides by, printed in full.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { recordConvCalls } from '../engine/webgpu/convCalls';
import { tuneConvs, type TunedConv } from '../engine/webgpu/convTune';
import type { Dtn } from '../dtn/dtn';
import type { Engine } from '../engine/engineContext';
import { disposeLosses } from '../dtn/dtn';

/** Measures the conv calls of one step of `dtn` (which it takes: weights change). Choices stay as they were. */
export async function benchConvKernels(engine: Engine, dtn: Dtn, xs: tf.Tensor4D, xt: tf.Tensor4D): Promise<TunedConv[]> {
  const { result, calls } = recordConvCalls(() => dtn.step(xs, xt));
  disposeLosses(result);
  // Longer timings than a run's own tuning: these figures are reported.
  return tuneConvs(engine, calls, { minMs: 50, apply: false });
}

export function printConvTimings(rows: TunedConv[], print: (line: string) => void): void {
  const msOf = (r: TunedConv, name: string) => {
    const ms = r.timings.find((t) => t.name === name)?.ms;
    return ms !== undefined && Number.isFinite(ms) ? ms : 0;
  };
  const total = (pick: (r: TunedConv) => number) => rows.reduce((a, r) => a + pick(r) * r.perStep, 0).toFixed(1);
  print(
    `dtn bench: conv kernels per step (sum of single-kernel timings): fastest ${total((r) => msOf(r, r.chosen))} ms, ` +
      `default gemm ${total((r) => msOf(r, 'gemm'))} ms, stock ${total((r) => msOf(r, 'stock'))} ms`,
  );
  for (const r of rows) {
    const cells = r.timings
      .map((t) =>
        t.error !== undefined
          ? `${t.name} failed (${t.error})`
          : `${t.name} ${t.ms.toFixed(3)} ms ${(r.gflop / t.ms).toPrecision(3)} TFLOP/s`,
      )
      .join('  ');
    print(
      `  ${r.kernel.padEnd(21)} ${r.shapes.padEnd(56)} ${String(r.perStep).padStart(2)}x ` +
        `${r.gflop.toPrecision(3).padStart(7)} GFLOP  ${cells}  -> ${r.chosen}`,
    );
  }
}
