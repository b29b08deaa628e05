/**
 * The sweep's summary: for each variant, the accuracy over its seeds (mean, minimum, maximum) at
 * each evaluation step, and of each run's last and best evaluation; as Markdown and as CSV.
 */
import type { MetricsRecord } from '../../shared/protocol';
import { countStates, type SweepFile, type SweepRun, type SweepVariant } from '../../shared/sweep';

export interface Stat {
  /** Runs that contributed (seeds that reached this step). */
  n: number;
  mean: number;
  min: number;
  max: number;
}

export interface VariantSummary {
  variant: SweepVariant;
  runs: SweepRun[];
  /** One entry per evaluated step, in step order. */
  steps: (Stat & { step: number })[];
  /** Each run's last evaluation (and the steps those were at). */
  last?: Stat & { steps: number[] };
  /** Each run's best evaluation. */
  best?: Stat;
}

export function stat(values: readonly number[]): Stat | undefined {
  if (values.length === 0) return undefined;
  return {
    n: values.length,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** What metrics.jsonl records as evaluations: (step, accuracy), one per step (a resumed run's rewrite keeps the latest). */
function evaluations(records: readonly MetricsRecord[]): { step: number; accuracy: number }[] {
  const byStep = new Map<number, number>();
  for (const r of records) if (r.eval) byStep.set(r.step, r.eval.accuracy);
  return [...byStep].sort((a, b) => a[0] - b[0]).map(([step, accuracy]) => ({ step, accuracy }));
}

export function summarizeSweep(sweep: SweepFile, metricsOf: (run: SweepRun) => readonly MetricsRecord[]): VariantSummary[] {
  return sweep.variants.map((variant, index) => {
    const runs = sweep.runs.filter((r) => r.variant === index);
    const evals = runs.map((r) => evaluations(metricsOf(r))).filter((e) => e.length > 0);
    const steps = [...new Set(evals.flatMap((e) => e.map((x) => x.step)))].sort((a, b) => a - b);
    const last = stat(evals.map((e) => e.at(-1)!.accuracy));
    const best = stat(evals.map((e) => Math.max(...e.map((x) => x.accuracy))));
    return {
      variant,
      runs,
      steps: steps.map((step) => ({ step, ...stat(evals.flatMap((e) => e.filter((x) => x.step === step).map((x) => x.accuracy)))! })),
      last: last && { ...last, steps: [...new Set(evals.map((e) => e.at(-1)!.step))].sort((a, b) => a - b) },
      best,
    };
  });
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const range = (s: Stat) => `${pct(s.mean)} (${pct(s.min)}–${pct(s.max)})`;
/** Markdown table cells must not break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function baseLine(sweep: SweepFile): string {
  return 'preset' in sweep.base ? `preset \`${sweep.base.preset}\`` : `config \`${sweep.base.config}\``;
}

export function summaryMarkdown(sweep: SweepFile, summary: readonly VariantSummary[]): string {
  const states = countStates(sweep.runs);
  const stateText = Object.entries(states)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const lines = [
    `# Sweep ${sweep.id}`,
    '',
    `Base: ${baseLine(sweep)}, seeds ${sweep.seeds.join(', ')}: ${plural(sweep.variants.length, 'variant')} × ` +
      `${plural(sweep.seeds.length, 'seed')} = ${plural(sweep.runs.length, 'run')} (${stateText}).`,
    '',
    'Accuracy (translation accuracy for digits, top-1 identity for faces) over the seeds: mean (min–max).',
    '',
    '## Last and best evaluation',
    '',
    '| variant | runs | completed | last evaluation | at step | best evaluation |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...summary.map((v) => {
      const done = v.runs.filter((r) => r.state === 'completed').length;
      return (
        `| ${cell(v.variant.id)} | ${v.runs.length} | ${done} | ${v.last ? range(v.last) : '–'} | ` +
        `${v.last ? v.last.steps.join(', ') : '–'} | ${v.best ? range(v.best) : '–'} |`
      );
    }),
    '',
    '## By evaluation step',
    '',
    '| variant | step | seeds | mean | min | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...summary.flatMap((v) =>
      v.steps.map((s) => `| ${cell(v.variant.id)} | ${s.step} | ${s.n} | ${pct(s.mean)} | ${pct(s.min)} | ${pct(s.max)} |`),
    ),
  ];
  const failed = sweep.runs.filter((r) => r.state === 'failed');
  if (failed.length) {
    lines.push(
      '',
      '## Failed runs',
      '',
      '| run | variant | seed | code | message |',
      '| --- | --- | ---: | --- | --- |',
      ...failed.map((r) => {
        const message = cell((r.error?.message ?? '').slice(0, 300));
        return `| ${r.name} | ${cell(sweep.variants[r.variant].id)} | ${r.seed} | ${r.error?.code ?? '?'} | ${message} |`;
      }),
    );
  }
  const open = sweep.runs.filter((r) => r.state !== 'completed' && r.state !== 'failed');
  if (open.length)
    lines.push(
      '',
      `${open.length} run${open.length === 1 ? ' is' : 's are'} not finished: \`dtn sweep --resume <this folder>\` continues.`,
    );
  return `${lines.join('\n')}\n`;
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per variant and evaluation step (`kind` step), plus its `last` and `best` rows; accuracies as fractions. */
export function summaryCsv(summary: readonly VariantSummary[]): string {
  const rows: (string | number)[][] = [['variant', 'overrides', 'kind', 'step', 'seeds', 'mean', 'min', 'max']];
  for (const v of summary) {
    const overrides = JSON.stringify(Object.fromEntries(v.variant.overrides.map((o) => [o.key, o.value])));
    const row = (kind: string, step: string | number, s: Stat) => [v.variant.id, overrides, kind, step, s.n, s.mean, s.min, s.max];
    for (const s of v.steps) rows.push(row('step', s.step, s));
    if (v.last) rows.push(row('last', v.last.steps.join(' '), v.last));
    if (v.best) rows.push(row('best', '', v.best));
  }
  return `${rows.map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}
