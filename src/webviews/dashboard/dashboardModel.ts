/**
 * The dashboard's state logic, free of the DOM so it is unit-tested: what the host sent (run +
 * metrics history), what the user chose (smoothing, log scale; persisted with setState), and the
 * series and numbers the view draws from them.
 */
import { z } from 'zod';
import { LOSS_KEYS, type LossKey, type MetricsRecord } from '../../shared/protocol';
import { etaMs } from '../../shared/trainingProgress';
import type { DashboardIn, RunSummary } from '../../shared/webviewProtocol';

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
});
export type DashboardUiState = z.infer<typeof DashboardUiStateSchema>;

export function restoreUiState(saved: unknown): DashboardUiState {
  const r = DashboardUiStateSchema.safeParse(saved ?? {});
  return r.success ? r.data : { logScale: false };
}

/** Merges by step (the newer record wins: a resumed run re-trains steps) and keeps step order. */
export function mergeRecords(old: readonly MetricsRecord[], fresh: readonly MetricsRecord[]): MetricsRecord[] {
  if (fresh.length === 0) return [...old];
  const last = old[old.length - 1];
  // The common live case: strictly newer records, appended in order.
  if (fresh.every((r, i) => r.step > (i === 0 ? (last?.step ?? -1) : fresh[i - 1].step))) return [...old, ...fresh];
  const byStep = new Map<number, MetricsRecord>();
  for (const r of old) byStep.set(r.step, r);
  for (const r of fresh) byStep.set(r.step, r);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
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
  return { ...ui, runDir: msg.run.runDir, smoothing: ui.smoothing ?? msg.smoothing };
}

/**
 * TensorBoard's smoothing: an exponential moving average, debiased so the first points are not
 * pulled towards zero. Gaps (null: a loss switched off) stay gaps and do not reset the average.
 */
export function smooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    if (weight <= 0) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - Math.pow(weight, n));
  });
}

export interface Point {
  x: number;
  y: number | null;
}

export interface LossSeries {
  key: LossKey;
  raw: Point[];
  smoothed: Point[];
  latest: number | null;
  /** Every record has this loss switched off. */
  off: boolean;
}

/** Raw and smoothed points of one loss term; on a log axis, values <= 0 become gaps. */
export function lossSeries(records: readonly MetricsRecord[], key: LossKey, smoothing: number, logScale: boolean): LossSeries {
  const ys = records.map((r) => r.loss[key]);
  const sm = smooth(ys, smoothing);
  const fit = (y: number | null) => (y === null || (logScale && y <= 0) ? null : y);
  const latest = [...ys].reverse().find((y) => y !== null) ?? null;
  return {
    key,
    raw: records.map((r, i) => ({ x: r.step, y: fit(ys[i]) })),
    smoothed: records.map((r, i) => ({ x: r.step, y: fit(sm[i]) })),
    latest,
    off: records.length > 0 && ys.every((y) => y === null),
  };
}

export function allLossSeries(records: readonly MetricsRecord[], smoothing: number, logScale: boolean): LossSeries[] {
  return LOSS_KEYS.map((k) => lossSeries(records, k, smoothing, logScale));
}

/** Translation accuracy over steps, where the run was evaluated. */
export function accuracySeries(records: readonly MetricsRecord[]): Point[] {
  return records.filter((r) => r.eval).map((r) => ({ x: r.step, y: r.eval!.accuracy }));
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
  };
}

export const LOSS_INFO: Record<LossKey, { title: string; help: string }> = {
  D: { title: 'L_D', help: 'discriminator: G(S) vs G(T) vs real T' },
  GANG: { title: 'L_GANG', help: 'generator adversarial term' },
  CONST: { title: 'L_CONST', help: 'f-constancy on S: d(f(x), f(G(x)))' },
  TID: { title: 'L_TID', help: 'identity on T: d2(x, G(x))' },
  TV: { title: 'L_TV', help: 'total variation of G(x)' },
  G: { title: 'L_G', help: 'generator total: GANG + α CONST + β TID + γ TV' },
};
