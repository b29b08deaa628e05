/**
 * The comparison panel's state logic, free of the DOM so it is unit-tested: the runs the host sent
 * (summary, metrics history, flattened config), what the user chose (smoothing, log scale, hidden
 * runs, stable colours; persisted with setState), and what the view draws: one series per run for
 * each loss term and for the paper's metrics, the results rows and the config differences.
 */
import { z } from 'zod';
import { diffConfigs, formatFlatValue, type ConfigDiffRow, type FlatConfig } from '../../shared/configDiff';
import type { LossKey, MetricsRecord } from '../../shared/protocol';
import { formatLoss } from '../../shared/trainingProgress';
import type { SampleIndex } from '../../shared/sampleIndex';
import type { CompareIn, RunSummary, SampleRef } from '../../shared/webviewProtocol';
import { statusText } from '../common/runStatus';
import { lossSeries, mergeRecords, type Point } from '../common/metricSeries';

export interface ComparedRun {
  label: string;
  run: RunSummary;
  /** Sorted by step, one record per step. */
  records: MetricsRecord[];
  config?: FlatConfig;
  /** Sample grids, sorted by step. */
  samples: SampleRef[];
  sampleIndex?: SampleIndex;
}

export interface CompareModel {
  title: string;
  runs: ComparedRun[];
  source?: { dir: string; ablation: boolean; report: boolean; reportName?: string };
  /** The host said there is nothing to compare. */
  empty: boolean;
}

export const initialCompareModel: CompareModel = { title: 'DTN Compare', runs: [], empty: false };

export function reduceCompare(model: CompareModel, msg: CompareIn): CompareModel {
  switch (msg.type) {
    case 'init':
      return {
        title: msg.title,
        runs: msg.runs.map((r) => ({
          label: r.label,
          run: r.run,
          records: mergeRecords([], r.records),
          config: r.config,
          samples: sortSamples(r.samples ?? []),
          sampleIndex: r.sampleIndex,
        })),
        source: msg.source,
        empty: false,
      };
    case 'records': {
      let changed = false;
      const runs = model.runs.map((r) => {
        const fresh = msg.batches.filter((b) => b.runDir === r.run.runDir).flatMap((b) => b.records);
        if (fresh.length === 0) return r;
        changed = true;
        return { ...r, records: mergeRecords(r.records, fresh) };
      });
      // Late records of runs no longer compared are dropped.
      return changed ? { ...model, runs } : model;
    }
    case 'run': {
      const i = model.runs.findIndex((r) => r.run.runDir === msg.run.runDir);
      if (i < 0) return model;
      const runs = [...model.runs];
      runs[i] = { ...runs[i], run: msg.run };
      return { ...model, runs };
    }
    case 'samples': {
      const i = model.runs.findIndex((r) => r.run.runDir === msg.runDir);
      if (i < 0) return model;
      const runs = [...model.runs];
      runs[i] = { ...runs[i], samples: sortSamples(msg.samples), sampleIndex: msg.sampleIndex };
      return { ...model, runs };
    }
    case 'empty':
      return { ...initialCompareModel, empty: true };
  }
}

function sortSamples(samples: readonly SampleRef[]): SampleRef[] {
  return [...new Map(samples.map((s) => [s.step, s])).values()].sort((a, b) => a.step - b.step);
}

/** Persisted across reloads; validated because an older panel may have saved it. */
export const CompareUiStateSchema = z.object({
  /** What the host revives after a window reload. */
  runDirs: z.array(z.string()).default([]),
  source: z.string().optional(),
  smoothing: z.number().min(0).max(0.999).optional(),
  logScale: z.boolean().default(false),
  /** Runs hidden from the charts (by run folder). */
  hidden: z.array(z.string()).default([]),
  /** Also list config keys that every run shares. */
  showSame: z.boolean().default(false),
  /** Colour slot of each run, so a run keeps its colour while others come and go. */
  colors: z.record(z.string(), z.number().int().nonnegative()).default({}),
  /** The step whose sample grids are shown side by side (the newest common one when unset). */
  sampleStep: z.number().int().nonnegative().optional(),
});
export type CompareUiState = z.infer<typeof CompareUiStateSchema>;

export function restoreCompareUi(saved: unknown): CompareUiState {
  const r = CompareUiStateSchema.safeParse(saved ?? {});
  return r.success ? r.data : CompareUiStateSchema.parse({});
}

/** Runs keep their slot; new runs take the lowest free one; slots of runs that left are freed. */
export function assignColors(prev: Readonly<Record<string, number>>, runDirs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const used = new Set<number>();
  for (const d of runDirs) {
    const c = prev[d];
    if (c !== undefined && !used.has(c)) {
      out[d] = c;
      used.add(c);
    }
  }
  let next = 0;
  for (const d of runDirs) {
    if (out[d] !== undefined) continue;
    while (used.has(next)) next++;
    out[d] = next;
    used.add(next);
  }
  return out;
}

/** After an `init`: remember the runs (for a reload), keep colours, forget hidden runs that left. */
export function applyCompareInit(ui: CompareUiState, msg: Extract<CompareIn, { type: 'init' }>): CompareUiState {
  const runDirs = msg.runs.map((r) => r.run.runDir);
  return {
    ...ui,
    runDirs,
    source: msg.source?.dir,
    smoothing: ui.smoothing ?? msg.smoothing,
    hidden: ui.hidden.filter((d) => runDirs.includes(d)),
    colors: assignColors(ui.colors, runDirs),
  };
}

export interface RunLine {
  runDir: string;
  label: string;
  /** Colour slot (see assignColors). */
  color: number;
  raw: Point[];
  smoothed: Point[];
  latest: number | null;
  /** The run has this term switched off (every record null): no line, and the card says so. */
  off: boolean;
}

/** One line per shown run for a loss term, with the dashboard's smoothing and log-axis rules. */
export function lossLines(runs: readonly ComparedRun[], ui: CompareUiState, key: LossKey): RunLine[] {
  const smoothing = ui.smoothing ?? 0.6;
  return runs
    .filter((r) => !ui.hidden.includes(r.run.runDir))
    .map((r) => {
      const s = lossSeries(r.records, key, smoothing, ui.logScale);
      return {
        runDir: r.run.runDir,
        label: r.label,
        color: ui.colors[r.run.runDir] ?? 0,
        raw: s.raw,
        smoothed: s.smoothed,
        latest: s.latest,
        off: s.off,
      };
    });
}

export type EvalMetric = 'accuracy' | 'fConstancy';

/** A paper metric against step, from the records that carry an evaluation only (not smoothed: they are few). */
export function evalPoints(records: readonly MetricsRecord[], metric: EvalMetric, logScale = false): Point[] {
  return records
    .filter((r) => r.eval !== undefined)
    .map((r) => ({ x: r.step, y: r.eval![metric] }))
    .map((p) => ({ x: p.x, y: logScale && metric === 'fConstancy' && p.y <= 0 ? null : p.y }));
}

export function evalLines(runs: readonly ComparedRun[], ui: CompareUiState, metric: EvalMetric): RunLine[] {
  return runs
    .filter((r) => !ui.hidden.includes(r.run.runDir))
    .map((r) => {
      const pts = evalPoints(r.records, metric, ui.logScale);
      return {
        runDir: r.run.runDir,
        label: r.label,
        color: ui.colors[r.run.runDir] ?? 0,
        raw: pts,
        smoothed: pts,
        latest: pts.at(-1)?.y ?? null,
        off: false,
      };
    })
    .filter((l) => l.raw.length > 0);
}

export interface RunResults {
  finalStep: number;
  totalSteps: number;
  lastAccuracy?: { value: number; step: number };
  bestAccuracy?: { value: number; step: number };
  lastFConstancy?: { value: number; step: number };
  evaluations: number;
  msPerStep?: number;
}

export function runResults(r: ComparedRun): RunResults {
  const evals = r.records.filter((x) => x.eval !== undefined);
  const last = evals.at(-1);
  let best: MetricsRecord | undefined;
  // The earliest step wins a tie: it got there first.
  for (const e of evals) if (!best || e.eval!.accuracy > best.eval!.accuracy) best = e;
  return {
    finalStep: Math.max(r.run.lastStep, r.records.at(-1)?.step ?? 0),
    totalSteps: r.run.totalSteps,
    lastAccuracy: last && { value: last.eval!.accuracy, step: last.step },
    bestAccuracy: best && { value: best.eval!.accuracy, step: best.step },
    lastFConstancy: last && { value: last.eval!.fConstancy, step: last.step },
    evaluations: evals.length,
    msPerStep: r.records.at(-1)?.msPerStep,
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export interface TableRow {
  key: string;
  /** What the first column says; `title` explains it on hover. */
  title?: string;
  cells: string[];
  /** Columns holding the best value of this row (bold), if the row has a "better". */
  best: number[];
  /** Config rows: every run has the same value (shown only on request). */
  same?: boolean;
}

function bestOf(values: (number | undefined)[], better: 'high' | 'low'): number[] {
  const known = values.filter((v): v is number => v !== undefined);
  if (known.length < 2) return [];
  const target = better === 'high' ? Math.max(...known) : Math.min(...known);
  return values.flatMap((v, i) => (v === target ? [i] : []));
}

/** The results part of the table: one row per quantity, one column per run. */
export function resultRows(runs: readonly ComparedRun[]): TableRow[] {
  const res = runs.map(runResults);
  return [
    { key: 'status', cells: runs.map((r) => statusText(r.run)), best: [] },
    { key: 'final step', cells: res.map((x) => `${x.finalStep} / ${x.totalSteps || '?'}`), best: [] },
    {
      key: 'last accuracy',
      title: 'translation accuracy of the newest evaluation (a classifier of T labels G(x) for held-out x in S)',
      cells: res.map((x) => (x.lastAccuracy ? `${pct(x.lastAccuracy.value)} @ ${x.lastAccuracy.step}` : '—')),
      best: bestOf(
        res.map((x) => x.lastAccuracy?.value),
        'high',
      ),
    },
    {
      key: 'best accuracy',
      title: "highest translation accuracy over the run's evaluations, and its step",
      cells: res.map((x) => (x.bestAccuracy ? `${pct(x.bestAccuracy.value)} @ ${x.bestAccuracy.step}` : '—')),
      best: bestOf(
        res.map((x) => x.bestAccuracy?.value),
        'high',
      ),
    },
    {
      key: 'last f-constancy',
      title: 'mean d(f(x), f(G(x))) on held-out S at the newest evaluation (lower is better)',
      cells: res.map((x) => (x.lastFConstancy ? formatLoss(x.lastFConstancy.value) : '—')),
      best: bestOf(
        res.map((x) => x.lastFConstancy?.value),
        'low',
      ),
    },
    { key: 'evaluations', cells: res.map((x) => String(x.evaluations)), best: [] },
    { key: 'ms / step', cells: res.map((x) => (x.msPerStep !== undefined ? String(Math.round(x.msPerStep)) : '—')), best: [] },
    { key: 'backend · device', cells: runs.map((r) => (r.run.backend ? `${r.run.backend} · ${r.run.device ?? '?'}` : '—')), best: [] },
  ];
}

/** The config part of the table: keys whose values differ (or all keys, with `showSame`). */
export function configRows(runs: readonly ComparedRun[], showSame: boolean): TableRow[] {
  return diffConfigs(
    runs.map((r) => r.config),
    { includeSame: showSame },
  ).map((row: ConfigDiffRow) => ({ key: row.key, cells: row.values.map(formatFlatValue), best: [], same: row.same }));
}

/** Runs (by label) that have a loss term switched off, for the card's note. */
export function offLabels(lines: readonly RunLine[]): string[] {
  return lines.filter((l) => l.off).map((l) => l.label);
}
