/** Throughput and ETA from metrics records: shown by the status bar and the dashboard alike. */
import type { MetricsRecord } from './protocol';

/** Mean ms/step over the newest `window` records (each record averages its own logging interval). */
export function recentMsPerStep(records: readonly MetricsRecord[], window = 10): number | undefined {
  const recent = records.slice(-window).filter((r) => r.msPerStep > 0);
  if (recent.length === 0) return undefined;
  return recent.reduce((s, r) => s + r.msPerStep, 0) / recent.length;
}

export function etaMs(records: readonly MetricsRecord[], totalSteps: number): number | undefined {
  const last = records[records.length - 1];
  const ms = recentMsPerStep(records);
  if (!last || ms === undefined) return undefined;
  return Math.max(0, totalSteps - last.step) * ms;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatLoss(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(a < 1 ? 4 : 3);
}
