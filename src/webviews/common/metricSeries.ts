/**
 * Loss and metric series that both the dashboard and the comparison draw: records merged by step,
 * TensorBoard's smoothing, chart points, and the loss terms' names. DOM-free, so unit-tested.
 */
import type { LossKey, MetricsRecord } from '../../shared/protocol';

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

export const LOSS_INFO: Record<LossKey, { title: string; help: string }> = {
  D: { title: 'L_D', help: 'discriminator: G(S) vs G(T) vs real T' },
  GANG: { title: 'L_GANG', help: 'generator adversarial term' },
  CONST: { title: 'L_CONST', help: 'f-constancy on S: d(f(x), f(G(x)))' },
  TID: { title: 'L_TID', help: 'identity on T: d2(x, G(x))' },
  TV: { title: 'L_TV', help: 'total variation of G(x)' },
  G: { title: 'L_G', help: 'generator total: GANG + α CONST + β TID + γ TV' },
};
