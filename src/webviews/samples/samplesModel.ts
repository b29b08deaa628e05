/**
 * The sample explorer's state logic, free of the DOM: the run's saved grids, which one the slider
 * shows (step A), whether it follows the newest (it does until the user moves it back; moving it to
 * the end follows again), and how the user looks at it: zoom, how many tiles, the tile inspected
 * large, a second step B beside A, playing through the steps.
 */
import { z } from 'zod';
import type { SampleIndex } from '../../shared/sampleIndex';
import type { RunSummary, SampleRef, SamplesIn } from '../../shared/webviewProtocol';

/** Integer zooms (crisp pixels); `fit` scales the grid to the panel's width. */
export const ZOOMS = [1, 2, 3, 4, 6, 8, 12, 16] as const;
const zoom = z.union([z.literal('fit'), z.number().positive().max(16)]);
export type Zoom = z.infer<typeof zoom>;

export interface ExplorerView {
  zoom: Zoom;
  /** Tiles shown from the left (all when undefined). */
  shown?: number;
  /** The tile inspected large (clicked); `hover` previews another without losing it. */
  tile?: number;
  hover?: number;
  /** Step B, shown beside A tile by tile; undefined when not comparing. */
  compareStep?: number;
  playing: boolean;
}

export interface SamplesModel {
  run?: RunSummary;
  /** Sorted by step, unique. */
  samples: SampleRef[];
  selectedStep?: number;
  follow: boolean;
  empty: boolean;
  /** samples/index.json of the run, when it has a valid one. */
  index?: SampleIndex;
  /** Why the run's index.json could not be used (names the file and the fix). */
  indexProblem?: string;
  view: ExplorerView;
}

export const SamplesUiStateSchema = z.object({
  runDir: z.string().optional(),
  selectedStep: z.number().int().nonnegative().optional(),
  follow: z.boolean().default(true),
  zoom: zoom.default('fit'),
  shown: z.number().int().positive().optional(),
  tile: z.number().int().nonnegative().optional(),
  compareStep: z.number().int().nonnegative().optional(),
});
export type SamplesUiState = z.infer<typeof SamplesUiStateSchema>;

export function restoreSamplesUi(saved: unknown): SamplesUiState {
  const r = SamplesUiStateSchema.safeParse(saved ?? {});
  return r.success ? r.data : { follow: true, zoom: 'fit' };
}

const initialView: ExplorerView = { zoom: 'fit', playing: false };
export const initialSamplesModel: SamplesModel = { samples: [], follow: true, empty: false, view: initialView };

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
      const sameRun = saved?.runDir === msg.run.runDir;
      const has = (step: number | undefined) => step !== undefined && samples.some((s) => s.step === step);
      // The zoom is the user's way of looking, whatever the run; tiles and step B belong to one run.
      const view: ExplorerView = {
        zoom: saved?.zoom ?? model.view.zoom,
        playing: false,
        ...(sameRun && { shown: saved.shown, tile: saved.tile, compareStep: has(saved.compareStep) ? saved.compareStep : undefined }),
      };
      const base = { run: msg.run, samples, empty: false, index: msg.index, indexProblem: msg.indexProblem, view };
      const at = msg.select === undefined ? undefined : sampleAtOrBefore(samples, msg.select);
      if (at !== undefined) return { ...base, selectedStep: at, follow: at === latestStep(samples) };
      const restore = sameRun && !saved.follow && has(saved.selectedStep);
      return restore
        ? { ...base, selectedStep: saved.selectedStep, follow: false }
        : { ...base, selectedStep: latestStep(samples), follow: true };
    }
    case 'samples': {
      if (!model.run || msg.runId !== model.run.runId) return model;
      const samples = mergeSamples(model.samples, msg.samples);
      const index = msg.index ? { index: msg.index, indexProblem: undefined } : {};
      return { ...model, ...index, samples, selectedStep: model.follow ? latestStep(samples) : model.selectedStep };
    }
    case 'run':
      if (model.run && msg.run.runDir !== model.run.runDir) return model;
      return { ...model, run: msg.run };
    case 'empty':
      return { samples: [], follow: true, empty: true, view: { zoom: model.view.zoom, playing: false } };
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
  // Taking the slider stops the animation.
  return { ...model, selectedStep: model.samples[i].step, follow: i === model.samples.length - 1, view: { ...model.view, playing: false } };
}

export function setFollow(model: SamplesModel, follow: boolean): SamplesModel {
  return follow
    ? { ...model, follow, selectedStep: latestStep(model.samples), view: { ...model.view, playing: false } }
    : { ...model, follow };
}

export function selected(model: SamplesModel): { sample: SampleRef; index: number } | undefined {
  const index = model.samples.findIndex((s) => s.step === model.selectedStep);
  return index < 0 ? undefined : { sample: model.samples[index], index };
}

export function toUiState(model: SamplesModel): SamplesUiState {
  const { zoom, shown, tile, compareStep } = model.view;
  return { runDir: model.run?.runDir, selectedStep: model.selectedStep, follow: model.follow, zoom, shown, tile, compareStep };
}

const withView = (model: SamplesModel, view: Partial<ExplorerView>): SamplesModel => ({ ...model, view: { ...model.view, ...view } });

/** One zoom step in or out from what is shown now (`current`: the scale `fit` gives at this width). */
export function stepZoom(model: SamplesModel, direction: 1 | -1, current: number): SamplesModel {
  const scale = model.view.zoom === 'fit' ? current : model.view.zoom;
  const next = direction > 0 ? ZOOMS.find((z) => z > scale + 1e-6) : [...ZOOMS].reverse().find((z) => z < scale - 1e-6);
  return next === undefined ? model : withView(model, { zoom: next });
}

export function setZoom(model: SamplesModel, zoom: Zoom): SamplesModel {
  return withView(model, { zoom });
}

/** Shows the first `n` tiles (clamped to 1..count); undefined or the count itself shows all. */
export function setShown(model: SamplesModel, n: number | undefined, count: number): SamplesModel {
  if (n === undefined || !Number.isFinite(n) || n >= count) return withView(model, { shown: undefined });
  const shown = Math.max(1, Math.round(n));
  const tile = model.view.tile !== undefined && model.view.tile >= shown ? undefined : model.view.tile;
  return withView(model, { shown, tile });
}

/** A click on a tile inspects it; a click on the inspected one closes the inspector. */
export function clickTile(model: SamplesModel, tile: number | undefined): SamplesModel {
  return withView(model, { tile: tile === undefined || tile === model.view.tile ? undefined : tile });
}

export function hoverTile(model: SamplesModel, tile: number | undefined): SamplesModel {
  return model.view.hover === tile ? model : withView(model, { hover: tile });
}

/** The tile the inspector shows: the one under the pointer, else the clicked one. */
export function inspectedTile(model: SamplesModel): number | undefined {
  return model.view.hover ?? model.view.tile;
}

/** Moves the inspected tile by `delta` (arrow keys), staying within the shown tiles. */
export function moveTile(model: SamplesModel, delta: number, count: number): SamplesModel {
  const n = Math.min(count, model.view.shown ?? count);
  if (n <= 0) return model;
  const from = model.view.tile ?? (delta > 0 ? -1 : n);
  return withView(model, { tile: Math.max(0, Math.min(n - 1, from + delta)), hover: undefined });
}

/**
 * Step B on or off. On, it starts at the earliest grid (what training began from), or the one
 * before A when A is the earliest.
 */
export function setCompare(model: SamplesModel, on: boolean): SamplesModel {
  if (!on) return withView(model, { compareStep: undefined });
  const a = selected(model);
  if (!a || model.samples.length < 2) return model;
  const b = a.index === 0 ? model.samples[1] : model.samples[0];
  return withView(model, { compareStep: b.step });
}

export function selectCompareIndex(model: SamplesModel, index: number): SamplesModel {
  if (model.samples.length === 0 || model.view.compareStep === undefined) return model;
  const i = Math.max(0, Math.min(model.samples.length - 1, Math.round(index)));
  return withView(model, { compareStep: model.samples[i].step });
}

export function compareSelected(model: SamplesModel): { sample: SampleRef; index: number } | undefined {
  if (model.view.compareStep === undefined) return undefined;
  const index = model.samples.findIndex((s) => s.step === model.view.compareStep);
  return index < 0 ? undefined : { sample: model.samples[index], index };
}

/** Play starts from the first grid when A is the newest (else from A) and stops following. */
export function togglePlay(model: SamplesModel): SamplesModel {
  if (model.view.playing) return withView(model, { playing: false });
  if (model.samples.length < 2) return model;
  const a = selected(model);
  const start = !a || a.index === model.samples.length - 1 ? model.samples[0].step : a.sample.step;
  return { ...model, selectedStep: start, follow: false, view: { ...model.view, playing: true } };
}

/** One frame of the animation: the next grid, round to the first after the newest. */
export function playTick(model: SamplesModel): SamplesModel {
  if (!model.view.playing || model.samples.length === 0) return model;
  const a = selected(model);
  const next = a ? (a.index + 1) % model.samples.length : 0;
  return { ...model, selectedStep: model.samples[next].step, follow: false };
}

/** At most `max` steps for the filmstrip, evenly spread, always with the first and the newest. */
export function filmstripSteps(samples: readonly SampleRef[], max: number): SampleRef[] {
  if (samples.length <= max) return [...samples];
  if (max < 2) return samples.slice(-1);
  const picked = new Set<number>();
  for (let i = 0; i < max; i++) picked.add(Math.round((i * (samples.length - 1)) / (max - 1)));
  return [...picked].sort((a, b) => a - b).map((i) => samples[i]);
}
