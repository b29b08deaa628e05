/**
 * Says once, after the first step, how steps run: the conv tuning result and whether WebGPU steps
 * replay a recorded plan (noted in run.json's backendReason) or fall back to tfjs (a warning).
 */
import type { TrainerMessage } from '../../../shared/protocol';
import type { RunInfo } from '../../../shared/runInfo';

/** What the step runner has decided (a StepRunner, or a stand-in in tests). */
export interface RunnerPlan {
  readonly mode: 'planned' | 'tfjs';
  readonly reason?: string;
  readonly dispatches?: number;
  readonly tuned?: { rows: readonly unknown[]; summary: string };
}

export class PlanNote {
  private noted = false;

  constructor(
    private readonly backendName: string,
    private readonly info: RunInfo,
    private readonly emit: (msg: TrainerMessage) => void,
  ) {}

  /** Call after each step; acts once the runner has decided. */
  check(runner: RunnerPlan): void {
    if (this.noted || (runner.reason === undefined && runner.mode !== 'planned')) return;
    this.noted = true;
    if (runner.tuned) {
      this.info.backendReason += `; ${runner.tuned.summary}`;
      // No rows: tuning failed, and the run goes on with the default layouts.
      if (runner.tuned.rows.length > 0) this.emit({ type: 'status', phase: 'backend', message: runner.tuned.summary });
      else this.emit({ type: 'warning', message: runner.tuned.summary });
    }
    if (runner.mode === 'planned') this.info.backendReason += `; steps replay a recorded step (${runner.dispatches} dispatches)`;
    else if (this.backendName === 'webgpu') {
      this.emit({ type: 'warning', message: `each step runs through tfjs instead of a replayed plan (slower): ${runner.reason}` });
    }
  }
}
