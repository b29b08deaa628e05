/**
 * The experiments table's state logic (no DOM, so the tests drive it): its columns (fixed ones and
 * each config field that differs between runs), filtering, sorting and the selection.
 *
 * Filter: space-separated terms that must all hold. A bare word matches the name, id, notes, status
 * or backend (any case); `field:text` matches text in one column, `field=value` a whole value, and
 * `field>n`, `field<n`, `field>=n`, `field<=n` compare numbers (accuracies as percentages). A field is
 * a column (name, status, steps, best, last, fconst, backend, duration, started) or a config key, in
 * full (`train.steps`) or by its last part (`seed`).
 */
import { z } from 'zod';
import { diffConfigs, formatFlatValue, type FlatValue } from '../../shared/configDiff';
import { formatDuration } from '../../shared/trainingProgress';
import type { ExperimentRow } from '../../shared/webviewProtocol';

type CellValue = FlatValue | undefined;

export interface Column {
  id: string;
  title: string;
  /** Hover text of the header. */
  help?: string;
  numeric: boolean;
  value(row: ExperimentRow): CellValue;
  text(row: ExperimentRow): string;
  /** A config field (its key is the column's title). */
  config?: boolean;
}

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

export const FIXED_COLUMNS: readonly Column[] = [
  { id: 'name', title: 'Name', numeric: false, value: (r) => r.name, text: (r) => r.name },
  { id: 'status', title: 'Status', numeric: false, value: (r) => r.status, text: (r) => (r.managed ? 'training' : r.status) },
  {
    id: 'steps',
    title: 'Steps',
    help: 'steps trained / steps planned',
    numeric: true,
    value: (r) => r.lastStep,
    text: (r) => `${r.lastStep} / ${r.totalSteps || '?'}`,
  },
  {
    id: 'best',
    title: 'Best acc.',
    help: 'the best evaluation so far (translation accuracy; identity top-1 for faces runs)',
    numeric: true,
    value: (r) => r.best?.accuracy,
    text: (r) => (r.best ? `${pct(r.best.accuracy)} @${r.best.step}` : '–'),
  },
  {
    id: 'last',
    title: 'Last acc.',
    help: 'the newest evaluation (translation accuracy; identity top-1 for faces runs)',
    numeric: true,
    value: (r) => r.last?.accuracy,
    text: (r) => (r.last ? `${pct(r.last.accuracy)} @${r.last.step}` : '–'),
  },
  {
    id: 'fconst',
    title: 'f-const.',
    help: 'f-constancy of the newest evaluation: mean d(f(x), f(G(x))), lower is better',
    numeric: true,
    value: (r) => r.last?.fConstancy,
    text: (r) => (r.last ? r.last.fConstancy.toExponential(2) : '–'),
  },
  {
    id: 'backend',
    title: 'Backend',
    numeric: false,
    value: (r) => r.backend,
    text: (r) => r.backend ?? '–',
  },
  {
    id: 'duration',
    title: 'Duration',
    help: 'wall time from start to the last update (to now while it runs)',
    numeric: true,
    value: (r) => r.durationMs,
    text: (r) => formatDuration(r.durationMs),
  },
  {
    id: 'started',
    title: 'Started',
    numeric: false,
    value: (r) => r.startedAt,
    text: (r) => (r.startedAt ? r.startedAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC') : '–'),
  },
];

/** The fixed columns, then one per config key whose value differs between the runs. */
export function columnsFor(rows: readonly ExperimentRow[]): Column[] {
  const diffs = diffConfigs(rows.map((r) => r.config));
  const configColumns: Column[] = diffs.map(({ key, values }) => ({
    id: `config:${key}`,
    title: key,
    help: `config.json: ${key}`,
    numeric: values.every((v) => v === undefined || typeof v === 'number'),
    config: true,
    value: (r) => (r.config && Object.hasOwn(r.config, key) ? r.config[key] : undefined),
    text: (r) => formatFlatValue(r.config && Object.hasOwn(r.config, key) ? r.config[key] : undefined),
  }));
  return [...FIXED_COLUMNS, ...configColumns];
}

export interface TableUi {
  sort: { column: string; descending: boolean };
  filter: string;
  /** Selected runs, by folder. */
  selected: string[];
}

export const DEFAULT_TABLE_UI: TableUi = { sort: { column: 'started', descending: true }, filter: '', selected: [] };

const TableUiSchema = z.object({
  sort: z.object({ column: z.string(), descending: z.boolean() }),
  filter: z.string().max(1000),
  selected: z.array(z.string()),
});

/** What the webview saved last time, if it still reads (an older panel's state falls back to the defaults). */
export function restoreTableUi(saved: unknown): TableUi {
  const r = TableUiSchema.safeParse(saved);
  return r.success ? r.data : DEFAULT_TABLE_UI;
}

export type FilterTerm =
  { kind: 'word'; text: string } | { kind: 'field'; field: string; op: ':' | '=' | '>' | '<' | '>=' | '<='; text: string };

export function parseFilter(filter: string): FilterTerm[] {
  return filter
    .split(/\s+/)
    .filter(Boolean)
    .map((t): FilterTerm => {
      const m = /^([A-Za-z][\w.-]*?)(>=|<=|:|=|>|<)(.+)$/.exec(t);
      return m ? { kind: 'field', field: m[1].toLowerCase(), op: m[2] as ':' | '=', text: m[3] } : { kind: 'word', text: t.toLowerCase() };
    });
}

/** The value a filter field names in this row: a fixed column's, else a config key's (full, or its last part). */
function fieldValue(row: ExperimentRow, field: string): { found: boolean; value: CellValue; text: string; percent: boolean } {
  const col = FIXED_COLUMNS.find((c) => c.id === field || c.title.toLowerCase().replace(/[^a-z-]/g, '') === field);
  if (col) return { found: true, value: col.value(row), text: col.text(row), percent: col.id === 'best' || col.id === 'last' };
  const config = row.config ?? {};
  const key = Object.hasOwn(config, field)
    ? field
    : Object.keys(config).find((k) => k.toLowerCase() === field || k.toLowerCase().endsWith(`.${field}`));
  if (key === undefined) return { found: false, value: undefined, text: '', percent: false };
  return { found: true, value: config[key], text: formatFlatValue(config[key]), percent: false };
}

export function matchesTerm(row: ExperimentRow, term: FilterTerm): boolean {
  if (term.kind === 'word') {
    return [row.name, row.id, row.notes ?? '', row.managed ? 'training' : row.status, row.backend ?? ''].some((s) =>
      s.toLowerCase().includes(term.text),
    );
  }
  const f = fieldValue(row, term.field);
  if (!f.found) return false;
  const want = term.text.toLowerCase();
  switch (term.op) {
    case ':':
      return (
        f.text.toLowerCase().includes(want) ||
        String(f.value ?? '')
          .toLowerCase()
          .includes(want)
      );
    case '=':
      return String(f.value ?? '').toLowerCase() === want || f.text.toLowerCase() === want;
    default: {
      const n = Number(term.text.replace(/%$/, ''));
      if (typeof f.value !== 'number' || !Number.isFinite(n)) return false;
      const v = f.percent ? f.value * 100 : f.value;
      return term.op === '>' ? v > n : term.op === '<' ? v < n : term.op === '>=' ? v >= n : v <= n;
    }
  }
}

export function filterRows(rows: readonly ExperimentRow[], filter: string): ExperimentRow[] {
  const terms = parseFilter(filter);
  return rows.filter((r) => terms.every((t) => matchesTerm(r, t)));
}

/** Empty cells sort last whichever the direction; ties keep the newest run first. */
export function sortRows(rows: readonly ExperimentRow[], column: Column | undefined, descending: boolean): ExperimentRow[] {
  const byStart = (a: ExperimentRow, b: ExperimentRow) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || a.id.localeCompare(b.id);
  if (!column) return [...rows].sort(byStart);
  const cmp = (a: ExperimentRow, b: ExperimentRow): number => {
    const va = column.value(a);
    const vb = column.value(b);
    const ea = va === undefined || va === null;
    const eb = vb === undefined || vb === null;
    if (ea || eb) return ea && eb ? 0 : ea ? 1 : -1;
    const d =
      typeof va === 'number' && typeof vb === 'number'
        ? va - vb
        : String(va).localeCompare(String(vb), undefined, { numeric: true, sensitivity: 'base' });
    return descending ? -d : d;
  };
  return [...rows].sort((a, b) => cmp(a, b) || byStart(a, b));
}

/** The rows to show, filtered then sorted as the UI says. */
export function visibleRows(rows: readonly ExperimentRow[], columns: readonly Column[], ui: TableUi): ExperimentRow[] {
  return sortRows(
    filterRows(rows, ui.filter),
    columns.find((c) => c.id === ui.sort.column),
    ui.sort.descending,
  );
}

/** A click on a header: sort by it, or turn its direction round. Numbers and times start from the largest. */
export function sortBy(ui: TableUi, column: Column): TableUi {
  const descending = ui.sort.column === column.id ? !ui.sort.descending : column.numeric || column.id === 'started';
  return { ...ui, sort: { column: column.id, descending } };
}

export function toggleSelected(ui: TableUi, runDir: string): TableUi {
  const selected = ui.selected.includes(runDir) ? ui.selected.filter((d) => d !== runDir) : [...ui.selected, runDir];
  return { ...ui, selected };
}

/** The header checkbox: every shown row, or none when all of them are selected already. */
export function toggleAll(ui: TableUi, shown: readonly ExperimentRow[]): TableUi {
  const dirs = shown.map((r) => r.runDir);
  const all = dirs.length > 0 && dirs.every((d) => ui.selected.includes(d));
  return { ...ui, selected: all ? ui.selected.filter((d) => !dirs.includes(d)) : [...new Set([...ui.selected, ...dirs])] };
}

/** Selected runs that are still listed (a deleted run leaves the selection). */
export function pruneSelection(ui: TableUi, rows: readonly ExperimentRow[]): TableUi {
  const listed = new Set(rows.map((r) => r.runDir));
  const selected = ui.selected.filter((d) => listed.has(d));
  return selected.length === ui.selected.length ? ui : { ...ui, selected };
}

export interface TableActions {
  /** One run selected: its dashboard. */
  open: boolean;
  rename: boolean;
  /** Two or more. */
  compare: boolean;
  /** At least one, and none of them live. */
  delete: boolean;
  /** Why Delete is off while runs are selected. */
  deleteHint?: string;
}

export function tableActions(ui: TableUi, rows: readonly ExperimentRow[]): TableActions {
  const chosen = rows.filter((r) => ui.selected.includes(r.runDir));
  const live = chosen.filter((r) => r.status === 'running');
  return {
    open: chosen.length === 1,
    rename: chosen.length === 1,
    compare: chosen.length >= 2,
    delete: chosen.length > 0 && live.length === 0,
    ...(live.length
      ? { deleteHint: `${live.map((r) => r.name).join(', ')} ${live.length === 1 ? 'is' : 'are'} training: stop first` }
      : {}),
  };
}
