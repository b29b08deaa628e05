/** One Chart.js line chart per loss term (raw faint, smoothed solid) in theme colours. */
import type { ChartDataset } from 'chart.js';
import type { LossKey } from '../../shared/protocol';
import { formatLoss } from '../../shared/trainingProgress';
import { el } from '../common/vscodeApi';
import { createChartCard, styleAxes, withAlpha, type LineChart } from '../common/chartCard';
import { cssVar, isHighContrast } from '../common/theme';
import { LOSS_INFO, type LossSeries, type Point } from '../common/metricSeries';
import type { accuracyMeaning } from './dashboardModel';

const COLOR_VARS: Record<LossKey | 'ACC', [string, string]> = {
  D: ['--vscode-charts-red', '#f14c4c'],
  GANG: ['--vscode-charts-orange', '#d18616'],
  CONST: ['--vscode-charts-blue', '#3794ff'],
  TID: ['--vscode-charts-green', '#89d185'],
  TV: ['--vscode-charts-purple', '#b180d7'],
  G: ['--vscode-charts-yellow', '#cca700'],
  ACC: ['--vscode-charts-green', '#89d185'],
};

interface Card {
  root: HTMLElement;
  value: HTMLElement;
  chart: LineChart;
  key: LossKey | 'ACC';
}

type AccuracyMeaning = ReturnType<typeof accuracyMeaning>;

const ACCURACY_INFO = {
  translation: { title: 'Accuracy', help: 'translation accuracy on held-out S' },
  identity: {
    title: 'Identity (top-1)',
    help: "share of translated faces whose own face f ranks first among the source faces (the paper's retrieval metric)",
  },
} as const;

export class LossCharts {
  private readonly cards = new Map<string, Card>();

  constructor(private readonly container: HTMLElement) {}

  private card(key: LossKey | 'ACC', meaning?: AccuracyMeaning): Card {
    let card = this.cards.get(key);
    if (card) return card;
    const info = key === 'ACC' ? ACCURACY_INFO[meaning?.metric ?? 'translation'] : LOSS_INFO[key];
    const value = el('span', { class: 'card-value' }, '–');
    const { root, chart } = createChartCard(this.container, {
      data: ['data-loss', key],
      title: info.title,
      help: info.help,
      ariaLabel: `${info.title} against step`,
      tail: value,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatLoss(c.parsed.y)}` } },
    });
    card = { root, value, chart, key };
    this.cards.set(key, card);
    return card;
  }

  private datasets(key: LossKey | 'ACC', raw: Point[], smoothed: Point[] | undefined): ChartDataset<'line', Point[]>[] {
    const color = cssVar(...COLOR_VARS[key]);
    const hc = isHighContrast();
    const sets: ChartDataset<'line', Point[]>[] = [
      {
        label: smoothed ? 'raw' : 'value',
        data: raw,
        borderColor: smoothed ? withAlpha(color, hc ? 0.6 : 0.3) : color,
        borderWidth: smoothed ? 1 : 2,
        pointRadius: smoothed ? 0 : 2,
        spanGaps: false,
      },
    ];
    if (smoothed)
      sets.push({ label: 'smoothed', data: smoothed, borderColor: color, borderWidth: hc ? 3 : 2, pointRadius: 0, spanGaps: false });
    return sets;
  }

  update(series: LossSeries[], accuracy: Point[], logScale: boolean, smoothing: number, meaning?: AccuracyMeaning): void {
    for (const s of series) {
      const card = this.card(s.key);
      card.root.classList.toggle('off', s.off);
      card.value.textContent = s.off ? 'off in this run' : formatLoss(s.latest);
      card.chart.data.datasets = this.datasets(s.key, s.raw, smoothing > 0 ? s.smoothed : undefined);
      styleAxes(card.chart, logScale ? 'logarithmic' : 'linear');
      card.chart.update('none');
    }
    if (accuracy.length > 0) {
      const card = this.card('ACC', meaning);
      const rank = meaning?.medianRank !== undefined ? ` · median rank ${meaning.medianRank}` : '';
      card.value.textContent = `${((accuracy[accuracy.length - 1].y ?? 0) * 100).toFixed(1)}%${rank}`;
      card.chart.data.datasets = this.datasets('ACC', accuracy, undefined);
      styleAxes(card.chart, 'percent');
      card.chart.update('none');
    } else {
      this.cards.get('ACC')?.root.remove();
      this.cards.get('ACC')?.chart.destroy();
      this.cards.delete('ACC');
    }
  }
}
