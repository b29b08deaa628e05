/**
 * The comparison's charts: one card per quantity (the paper's metrics, then each loss term), one
 * line per run in that run's colour (Chart.js, theme colours, the dashboard's axis style).
 */
import type { ChartDataset } from 'chart.js';
import type { LossKey } from '../../shared/protocol';
import { formatLoss } from '../../shared/trainingProgress';
import { createChartCard, styleAxes, withAlpha, type LineChart } from '../common/chartCard';
import { cssVar, isHighContrast } from '../common/theme';
import { el } from '../common/vscodeApi';
import { LOSS_INFO, type Point } from '../common/metricSeries';
import { offLabels, type RunLine } from './compareModel';

/** Run colours: the theme's chart colours first; past six, the same colours dashed. */
const PALETTE: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
];

export function runColor(slot: number): string {
  return cssVar(...PALETTE[slot % PALETTE.length]);
}

export function runDash(slot: number): number[] {
  return slot < PALETTE.length ? [] : [6, 3];
}

export type CardKey = LossKey | 'ACC' | 'FCONST';

const CARD_INFO: Record<'ACC' | 'FCONST', { title: string; help: string }> = {
  ACC: { title: 'Accuracy', help: 'translation accuracy on held-out S (higher is better)' },
  FCONST: { title: 'f-constancy', help: 'd(f(x), f(G(x))) on held-out S (lower is better)' },
};

interface Card {
  root: HTMLElement;
  note: HTMLElement;
  chart: LineChart;
}

export class CompareCharts {
  private readonly cards = new Map<CardKey, Card>();
  private added = false;

  constructor(private readonly container: HTMLElement) {}

  private card(key: CardKey): Card {
    let card = this.cards.get(key);
    if (card) return card;
    const info = key === 'ACC' || key === 'FCONST' ? CARD_INFO[key] : LOSS_INFO[key];
    const note = el('span', { class: 'card-note' });
    const format = key === 'ACC' ? (v: number) => `${(v * 100).toFixed(1)}%` : formatLoss;
    const { root, chart } = createChartCard(this.container, {
      data: ['data-chart', key],
      title: info.title,
      help: info.help,
      ariaLabel: `${info.title} against step, one line per run`,
      tail: note,
      // Every run's value at the hovered step.
      interaction: { mode: 'x', intersect: false },
      tooltip: {
        filter: (item) => !String(item.dataset.label).endsWith(' (raw)'),
        callbacks: {
          title: (items) => (items[0] ? `step ${items[0].parsed.x}` : ''),
          label: (c) => `${c.dataset.label}: ${format(c.parsed.y ?? NaN)}`,
        },
      },
    });
    card = { root, note, chart };
    this.cards.set(key, card);
    this.added = true;
    return card;
  }

  private drop(key: CardKey): void {
    const card = this.cards.get(key);
    if (!card) return;
    card.chart.destroy();
    card.root.remove();
    this.cards.delete(key);
  }

  private datasets(lines: readonly RunLine[], smoothing: number, points: boolean): ChartDataset<'line', Point[]>[] {
    const hc = isHighContrast();
    const sets: ChartDataset<'line', Point[]>[] = [];
    for (const l of lines) {
      if (l.off) continue;
      const color = runColor(l.color);
      const dash = runDash(l.color);
      if (smoothing > 0 && !points) {
        sets.push({
          label: `${l.label} (raw)`,
          data: l.raw,
          borderColor: withAlpha(color, hc ? 0.5 : 0.22),
          borderWidth: 1,
          borderDash: dash,
          pointRadius: 0,
          spanGaps: false,
        });
      }
      sets.push({
        label: l.label,
        data: smoothing > 0 && !points ? l.smoothed : l.raw,
        borderColor: color,
        backgroundColor: color,
        borderWidth: hc ? 3 : 2,
        borderDash: dash,
        pointRadius: points ? 3 : 0,
        pointHitRadius: 6,
        spanGaps: points,
      });
    }
    return sets;
  }

  /** Redraws every card; `eval` cards appear only when some run has evaluations. */
  update(opts: { losses: [LossKey, RunLine[]][]; accuracy: RunLine[]; fConstancy: RunLine[]; smoothing: number; logScale: boolean }): void {
    const evalCards: ['ACC' | 'FCONST', RunLine[], 'percent' | 'linear' | 'logarithmic'][] = [
      ['ACC', opts.accuracy, 'percent'],
      ['FCONST', opts.fConstancy, opts.logScale ? 'logarithmic' : 'linear'],
    ];
    for (const [key, lines, scale] of evalCards) {
      if (lines.length === 0) {
        this.drop(key);
        continue;
      }
      const card = this.card(key);
      card.note.textContent = '';
      card.chart.data.datasets = this.datasets(lines, 0, true);
      styleAxes(card.chart, scale);
      card.chart.update('none');
    }
    for (const [key, lines] of opts.losses) {
      const card = this.card(key);
      const off = offLabels(lines);
      const allOff = lines.length > 0 && off.length === lines.length;
      card.root.classList.toggle('off', allOff);
      card.note.textContent = allOff ? 'off in every run' : off.length ? `off in ${off.join(', ')}` : '';
      card.note.title = card.note.textContent;
      card.chart.data.datasets = this.datasets(lines, opts.smoothing, false);
      styleAxes(card.chart, opts.logScale ? 'logarithmic' : 'linear');
      card.chart.update('none');
    }
    // Paper metrics first, then the loss terms in the dashboard's order (moved only when a card came).
    if (!this.added) return;
    this.added = false;
    const order: CardKey[] = ['ACC', 'FCONST', ...opts.losses.map(([k]) => k)];
    for (const k of order) {
      const c = this.cards.get(k);
      if (c) this.container.append(c.root);
    }
  }
}
