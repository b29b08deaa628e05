/**
 * The dashboard's state logic, free of the DOM so it is unit-tested: what the host sent (run +
 * metrics history), what the user chose (smoothing, log scale; persisted with setState), and the
 * series and numbers the view draws from them.
 */
import { z } from 'zod';
import { LOSS_KEYS, type MetricsRecord } from '../../shared/protocol';
import { etaMs } from '../../shared/trainingProgress';
import type { DashboardIn, RunSummary } from '../../shared/webviewProtocol';
import { lossSeries, mergeRecords, type LossSeries, type Point } from '../common/metricSeries';

export interface DashboardModel {
  run?: RunSummary;
  /** Sorted by step, one record per step. */
  records: MetricsRecord[];
  /** The host said there is no run to show. */
  empty: boolean;
}

export const initialModel: DashboardModel = { records: [], empty: false };

/** Persisted across reloads of the webview; validated because an older panel may have saved it. */
export const DashboardUiStateSchema = z.object({
  runDir: z.string().optional(),
  smoothing: z.number().min(0).max(0.999).optional(),
  logScale: z.boolean().default(false),
  /** The evaluation whose confusion matrix is shown; absent = the newest (follows a live run). */
  confusionStep: z.number().int().nonnegative().optional(),
});
export type DashboardUiState = z.infer<typeof DashboardUiStateSchema>;

export function restoreUiState(saved: unknown): DashboardUiState {
  const r = DashboardUiStateSchema.safeParse(saved ?? {});
  return r.success ? r.data : { logScale: false };
}

export function reduceDashboard(model: DashboardModel, msg: DashboardIn): DashboardModel {
  switch (msg.type) {
    case 'init':
      return { run: msg.run, records: mergeRecords([], msg.records), empty: false };
    case 'records':
      // Late records of a run this panel no longer shows are dropped.
      if (!model.run || msg.runId !== model.run.runId) return model;
      return { ...model, records: mergeRecords(model.records, msg.records) };
    case 'run':
      if (model.run && msg.run.runDir !== model.run.runDir) return model;
      return { ...model, run: msg.run, empty: false };
    case 'empty':
      return { records: [], empty: true };
  }
}

/** After an `init`, the host's default smoothing applies unless the user chose one for this panel. */
export function applyInit(ui: DashboardUiState, msg: Extract<DashboardIn, { type: 'init' }>): DashboardUiState {
  // A step picked in another run's matrix means nothing in this one.
  const confusionStep = msg.run.runDir === ui.runDir ? ui.confusionStep : undefined;
  return { ...ui, runDir: msg.run.runDir, smoothing: ui.smoothing ?? msg.smoothing, confusionStep };
}

export function allLossSeries(records: readonly MetricsRecord[], smoothing: number, logScale: boolean): LossSeries[] {
  return LOSS_KEYS.map((k) => lossSeries(records, k, smoothing, logScale));
}

/** Translation accuracy (digits) or identity top-1 (faces) over steps, where the run was evaluated. */
export function accuracySeries(records: readonly MetricsRecord[]): Point[] {
  return records.filter((r) => r.eval).map((r) => ({ x: r.step, y: r.eval!.accuracy }));
}

/** What the run's accuracy measures, from its newest evaluation, and the median rank for faces. */
export function accuracyMeaning(records: readonly MetricsRecord[]): { metric: 'translation' | 'identity'; medianRank?: number } {
  const last = records.filter((r) => r.eval).at(-1)?.eval;
  return last?.metric === 'identity' ? { metric: 'identity', medianRank: last.medianRank } : { metric: 'translation' };
}

export interface Headline {
  step: number;
  totalSteps: number;
  /** 0..1 */
  progress: number;
  imgPerSec?: number;
  msPerStep?: number;
  /** Only while the run is live. */
  etaMs?: number;
  /** The run's best evaluation (the starred checkpoint in the Runs view). */
  best?: { step: number; accuracy: number };
  /** The newest checkpoint scored by DTN: Evaluate. */
  evaluated?: { step: number; accuracy: number; fConstancy: number };
}

export function headline(model: DashboardModel): Headline | undefined {
  if (!model.run) return undefined;
  const last = model.records[model.records.length - 1];
  const step = Math.max(last?.step ?? 0, model.run.lastStep);
  const total = model.run.totalSteps;
  return {
    step,
    totalSteps: total,
    progress: total > 0 ? Math.min(1, step / total) : 0,
    imgPerSec: last?.imgPerSec,
    msPerStep: last?.msPerStep,
    etaMs: model.run.status === 'running' ? etaMs(model.records, total) : undefined,
    best: model.run.best,
    evaluated: model.run.evaluations?.reduce<Headline['evaluated']>((a, e) => (a && a.step > e.step ? a : e), undefined),
  };
}

/** Steps whose evaluation recorded a confusion matrix (digits runs), oldest first. */
export function confusionSteps(records: readonly MetricsRecord[]): number[] {
  return records.filter((r) => r.eval?.confusion).map((r) => r.step);
}

export interface ConfusionView {
  step: number;
  /** counts[true][read as] */
  counts: number[][];
  /** Per source class: the share of its images whose translation is read as that class. */
  perClass: (number | undefined)[];
  /** The class whose translations are most often read as another, with that other class. */
  worst?: { label: number; readAs: number; share: number };
}

/** The confusion matrix at `step`, or at the newest evaluation that has one when `step` is absent or unknown. */
export function confusionAt(records: readonly MetricsRecord[], step?: number): ConfusionView | undefined {
  const withMatrix = records.filter((r) => r.eval?.confusion);
  const record = withMatrix.find((r) => r.step === step) ?? withMatrix.at(-1);
  if (!record) return undefined;
  const counts = record.eval!.confusion!;
  const perClass = counts.map((row, t) => {
    const n = row.reduce((a, b) => a + b, 0);
    return n > 0 ? row[t] / n : undefined;
  });
  let worst: ConfusionView['worst'];
  counts.forEach((row, t) => {
    const n = row.reduce((a, b) => a + b, 0);
    row.forEach((c, p) => {
      if (p === t || n === 0) return;
      if (!worst || c / n > worst.share) worst = { label: t, readAs: p, share: c / n };
    });
  });
  return { step: record.step, counts, perClass, worst: worst && worst.share > 0 ? worst : undefined };
}
