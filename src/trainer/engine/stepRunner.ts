/**
 * Runs the trainer's DTN steps on host batches. On WebGPU the second step is recorded and every
 * later one replays it (planned/plannedStep.ts): the same kernels without the tfjs engine's cost
 * per kernel. Elsewhere, when DTN_STOCK_KERNELS names Plan, or when the step cannot be recorded,
 * every step goes through tfjs. The trainer and `dtn bench` both step through here.
 *
 * With `tuneConvs`, the first step also records its convolution calls, and before the second the
 * conv kernels are tuned on this device (convTune.ts), so the recorded plan uses the winners.
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeLosses, readLosses, type Dtn } from '../dtn/dtn';
import { recordConvCalls, type ConvCall } from './webgpu/convCalls';
import { tuneConvs, tuningSummary, type TunedConv } from './webgpu/convTune';
import { ownKernel } from './flags';
import type { Engine } from './engineContext';
import { PlannedStep, type LossValues } from './webgpu/planned/plannedStep';

type Shape = [number, number, number, number];

export class StepRunner {
  private planned?: PlannedStep;
  private taken = 0;
  private stale = false;
  private tfjsHostMs = 0;
  /** Why steps run through tfjs (set once the runner has decided). */
  reason?: string;
  private convCalls?: ConvCall[];
  /** What conv tuning measured and chose, once it has run. */
  tuned?: { rows: TunedConv[]; ms: number; summary: string };

  constructor(
    private readonly engine: Engine,
    private readonly dtn: Dtn,
    private readonly shapes: { xs: Shape; xt: Shape },
    private readonly options: {
      tuneConvs?: boolean;
      note?: (message: string) => void;
      /** What tunes (tests substitute it). */
      tuner?: (calls: ConvCall[]) => Promise<TunedConv[]>;
    } = {},
  ) {}

  get mode(): 'planned' | 'tfjs' {
    return this.planned ? 'planned' : 'tfjs';
  }

  /** Dispatches per replayed step, when planned. */
  get dispatches(): number | undefined {
    return this.planned?.dispatches;
  }

  /** GPU bytes the replayed step holds on top of tfjs's own buffers, when planned. */
  get planBytes(): number | undefined {
    return this.planned?.bytes;
  }

  /** Host time spent issuing steps through this runner (not waiting for the device), in ms. */
  get hostMs(): number {
    return this.tfjsHostMs + (this.planned?.hostMs ?? 0);
  }

  /** One step; with `read`, resolves to its losses once the device has computed them. */
  async step(xs: Float32Array, xt: Float32Array, read: boolean): Promise<LossValues | undefined> {
    this.taken++;
    if (this.planned) {
      this.stale = true;
      return this.planned.step(xs, xt, read);
    }
    if (this.convCalls) {
      this.options.note?.(`tuning ${this.convCalls.length} convolution shapes on this device`);
      const t = performance.now();
      try {
        const rows = await (this.options.tuner ?? ((calls) => tuneConvs(this.engine, calls)))(this.convCalls);
        const ms = performance.now() - t;
        // Nothing to tune when DTN_STOCK_KERNELS keeps every conv kernel stock.
        if (rows.length > 0) this.tuned = { rows, ms, summary: tuningSummary(rows, ms) };
      } catch (err) {
        // Tuning only picks among correct kernels: a failure costs speed, never the run.
        const message = `conv tuning failed, default layouts kept (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
        this.tuned = { rows: [], ms: performance.now() - t, summary: message };
      }
      this.convCalls = undefined;
    }
    const t0 = performance.now();
    const a = tf.tensor4d(xs, this.shapes.xs);
    const b = tf.tensor4d(xt, this.shapes.xt);
    let losses;
    // The first step creates Adam's slots and the optimisers' buffers; the second can be recorded.
    if (this.taken === 2 && tf.getBackend() === 'webgpu' && ownKernel(this.engine.settings, 'Plan')) {
      const captured = PlannedStep.capture(this.engine, this.dtn, a, b);
      losses = captured.losses;
      this.planned = captured.planned;
      this.reason = captured.reason;
    } else if (this.taken === 1 && this.options.tuneConvs && tf.getBackend() === 'webgpu') {
      // A real step that also notes which convolutions a step makes: what tuning measures.
      ({ result: losses, calls: this.convCalls } = recordConvCalls(() => this.dtn.step(a, b)));
    } else {
      losses = this.dtn.step(a, b);
      if (this.taken === 2)
        this.reason = tf.getBackend() === 'webgpu' ? 'DTN_STOCK_KERNELS turns the replayed step off' : `${tf.getBackend()} backend`;
    }
    a.dispose();
    b.dispose();
    this.tfjsHostMs += performance.now() - t0;
    if (read) return readLosses(losses);
    disposeLosses(losses);
    return undefined;
  }

  /** Brings the model's tfjs variables up to date: before samples, checkpoints and evaluation. */
  sync(): void {
    if (!this.planned || !this.stale) return;
    this.planned.sync();
    this.stale = false;
  }

  dispose(): void {
    this.planned?.dispose();
    this.planned = undefined;
  }
}
