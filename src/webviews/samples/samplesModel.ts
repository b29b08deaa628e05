/**
 * The sample panel's state logic, free of the DOM: the run's saved grids, which one the slider
 * shows, and whether it follows the newest (it does until the user moves it back; moving it to
 * the end follows again).
 */
import { z } from 'zod';
import type { RunSummary, SampleRef, SamplesIn } from '../../shared/webviewProtocol';

export interface SamplesModel {
  run?: RunSummary;
  /** Sorted by step, unique. */
  samples: SampleRef[];
  selectedStep?: number;
  follow: boolean;
  empty: boolean;
}

export const SamplesUiStateSchema = z.object({
  runDir: z.string().optional(),
  selectedStep: z.number().int().nonnegative().optional(),
  follow: z.boolean().default(true),
});
export type SamplesUiState = z.infer<typeof SamplesUiStateSchema>;

export function restoreSamplesUi(saved: unknown): SamplesUiState {
  const r = SamplesUiStateSchema.safeParse(saved ?? {});
  return r.success ? r.data : { follow: true };
}

export const initialSamplesModel: SamplesModel = { samples: [], follow: true, empty: false };

function mergeSamples(old: readonly SampleRef[], fresh: readonly SampleRef[]): SampleRef[] {
  const byStep = new Map<number, SampleRef>();
  for (const s of old) byStep.set(s.step, s);
  for (const s of fresh) byStep.set(s.step, s);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

const latestStep = (samples: readonly SampleRef[]) => samples[samples.length - 1]?.step;

/** `saved` restores the slider after a reload, but only for the run it was saved for. */
export function reduceSamples(model: SamplesModel, msg: SamplesIn, saved?: SamplesUiState): SamplesModel {
  switch (msg.type) {
    case 'init': {
      const samples = mergeSamples([], msg.samples);
      const at = msg.select === undefined ? undefined : sampleAtOrBefore(samples, msg.select);
      if (at !== undefined) return { run: msg.run, samples, selectedStep: at, follow: at === latestStep(samples), empty: false };
      const restore = saved && saved.runDir === msg.run.runDir && !saved.follow && samples.some((s) => s.step === saved.selectedStep);
      return restore
        ? { run: msg.run, samples, selectedStep: saved.selectedStep, follow: false, empty: false }
        : { run: msg.run, samples, selectedStep: latestStep(samples), follow: true, empty: false };
    }
    case 'samples': {
      if (!model.run || msg.runId !== model.run.runId) return model;
      const samples = mergeSamples(model.samples, msg.samples);
      return { ...model, samples, selectedStep: model.follow ? latestStep(samples) : model.selectedStep };
    }
    case 'run':
      if (model.run && msg.run.runDir !== model.run.runDir) return model;
      return { ...model, run: msg.run };
    case 'empty':
      return { samples: [], follow: true, empty: true };
  }
}

/** The grid of `step`, else the nearest earlier one, else the first (a checkpoint before any grid). */
export function sampleAtOrBefore(samples: readonly SampleRef[], step: number): number | undefined {
  let at: number | undefined;
  for (const s of samples) if (s.step <= step) at = s.step;
  return at ?? samples[0]?.step;
}

/** The slider moved to `index`: at the end it follows new samples again. */
export function selectIndex(model: SamplesModel, index: number): SamplesModel {
  if (model.samples.length === 0) return model;
  const i = Math.max(0, Math.min(model.samples.length - 1, Math.round(index)));
  return { ...model, selectedStep: model.samples[i].step, follow: i === model.samples.length - 1 };
}

export function setFollow(model: SamplesModel, follow: boolean): SamplesModel {
  return follow ? { ...model, follow, selectedStep: latestStep(model.samples) } : { ...model, follow };
}

export function selected(model: SamplesModel): { sample: SampleRef; index: number } | undefined {
  const index = model.samples.findIndex((s) => s.step === model.selectedStep);
  return index < 0 ? undefined : { sample: model.samples[index], index };
}

export function toUiState(model: SamplesModel): SamplesUiState {
  return { runDir: model.run?.runDir, selectedStep: model.selectedStep, follow: model.follow };
}
