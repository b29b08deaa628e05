/**
 * Compare with images, free of the DOM: which steps to offer (those every compared run has a grid
 * at, else all of them) and each run's grid at the chosen step (that step's, else its nearest).
 */
import { sameSources } from '../../shared/sampleIndex';
import type { SampleRef } from '../../shared/webviewProtocol';
import type { ComparedRun } from './compareModel';

export interface StepChoices {
  steps: number[];
  /** Every run with grids has each of `steps`; false: some runs lack some (their nearest grid shows). */
  common: boolean;
}

/** Steps to pick from: those every run with grids shares, else the union. Runs without grids are left out. */
export function sampleStepChoices(runs: readonly ComparedRun[]): StepChoices {
  const withGrids = runs.filter((r) => r.samples.length > 0);
  if (withGrids.length === 0) return { steps: [], common: true };
  const sets = withGrids.map((r) => new Set(r.samples.map((s) => s.step)));
  const union = [...new Set(withGrids.flatMap((r) => r.samples.map((s) => s.step)))].sort((a, b) => a - b);
  const common = union.filter((step) => sets.every((s) => s.has(step)));
  return common.length > 0 ? { steps: common, common: true } : { steps: union, common: false };
}

/** The step shown: the chosen one when offered, else the offered step nearest to it, else the newest. */
export function shownSampleStep(choices: StepChoices, wanted: number | undefined): number | undefined {
  if (choices.steps.length === 0) return undefined;
  if (wanted === undefined) return choices.steps[choices.steps.length - 1];
  return nearest(choices.steps, wanted);
}

function nearest(steps: readonly number[], step: number): number {
  // Ties go to the earlier step: never a grid from further into training than asked.
  return steps.reduce((best, s) => (Math.abs(s - step) < Math.abs(best - step) ? s : best), steps[0]);
}

export interface RunGrid {
  run: ComparedRun;
  /** The grid shown; undefined when the run has none. */
  sample?: SampleRef;
  /** The grid is of the asked step itself (not the nearest). */
  exact: boolean;
}

export function gridsAtStep(runs: readonly ComparedRun[], step: number): RunGrid[] {
  return runs.map((run) => {
    if (run.samples.length === 0) return { run, exact: false };
    const at = nearest(
      run.samples.map((s) => s.step),
      step,
    );
    return { run, sample: run.samples.find((s) => s.step === at), exact: at === step };
  });
}

/** Every run's grids show the same source images (same held-out set and picks): one source row serves all. */
export function sourcesShared(grids: readonly RunGrid[]): boolean {
  const shown = grids.filter((g) => g.sample);
  return shown.length > 0 && shown.every((g) => sameSources(g.run.sampleIndex, shown[0].run.sampleIndex));
}
