/** One Chart.js line chart per loss term (raw faint, smoothed solid) in theme colours. */
import { Chart, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip, type ChartDataset } from 'chart.js';
import type { LossKey } from '../../shared/protocol';
import { formatLoss } from '../../shared/trainingProgress';
import { el } from '../common/vscodeApi';
import { cssVar, isHighContrast } from '../common/theme';
import { LOSS_INFO, type LossSeries, type Point } from './dashboardModel';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

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
  chart: Chart<'line', Point[]>;
  key: LossKey | 'ACC';
}

function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export class LossCharts {
  private readonly cards = new Map<string, Card>();

  constructor(private readonly container: HTMLElement) {}

  private card(key: LossKey | 'ACC'): Card {
    let card = this.cards.get(key);
    if (card) return card;
    const info = key === 'ACC' ? { title: 'Accuracy', help: 'translation accuracy on held-out S' } : LOSS_INFO[key];
    const root = el('div', { class: 'card', 'data-loss': key });
    const head = el('div', { class: 'card-head' });
    const title = el('span', { class: 'card-title' }, info.title);
    const help = el('span', { class: 'card-help' }, info.help);
    const value = el('span', { class: 'card-value' }, '–');
    head.append(title, help, value);
    const box = el('div', { class: 'chart-box' });
    const canvas = el('canvas', { 'aria-label': `${info.title} against step`, role: 'img' });
    box.append(canvas);
    root.append(head, box);
    this.container.append(root);
    const chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatLoss(c.parsed.y)}` } } },
        scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { type: 'linear' } },
      },
    });
    card = { root, value, chart, key };
    this.cards.set(key, card);
    return card;
  }

  private datasets(key: LossKey | 'ACC', raw: Point[], smoothed: Point[] | undefined): ChartDataset<'line', Point[]>[] {
    const color = cssVar(...COLOR_VARS[key]);
    const hc = isHighContrast();
    const sets: ChartDataset<'line', Point[]>[] = [
      { label: smoothed ? 'raw' : 'value', data: raw, borderColor: smoothed ? withAlpha(color, hc ? 0.6 : 0.3) : color, borderWidth: smoothed ? 1 : 2, pointRadius: smoothed ? 0 : 2, spanGaps: false },
    ];
    if (smoothed) sets.push({ label: 'smoothed', data: smoothed, borderColor: color, borderWidth: hc ? 3 : 2, pointRadius: 0, spanGaps: false });
    return sets;
  }

  private style(chart: Chart<'line', Point[]>, logScale: boolean, isAccuracy: boolean): void {
    const fg = cssVar('--vscode-descriptionForeground', '#999');
    const grid = isHighContrast() ? cssVar('--vscode-contrastBorder', '#6fc3df') : withAlpha(cssVar('--vscode-editorWidget-border', '#454545'), 0.6);
    const font = { family: cssVar('--vscode-font-family', 'sans-serif'), size: 11 };
    const axis = { ticks: { color: fg, font, maxTicksLimit: 6 }, grid: { color: grid }, border: { color: grid } };
    chart.options.scales = {
      x: { type: 'linear', ...axis, title: { display: true, text: 'step', color: fg, font } },
      y: isAccuracy ? { type: 'linear', min: 0, max: 1, ...axis } : { type: logScale ? 'logarithmic' : 'linear', ...axis },
    };
  }

  update(series: LossSeries[], accuracy: Point[], logScale: boolean, smoothing: number): void {
    for (const s of series) {
      const card = this.card(s.key);
      card.root.classList.toggle('off', s.off);
      card.value.textContent = s.off ? 'off in this run' : formatLoss(s.latest);
      card.chart.data.datasets = this.datasets(s.key, s.raw, smoothing > 0 ? s.smoothed : undefined);
      this.style(card.chart, logScale, false);
      card.chart.update('none');
    }
    if (accuracy.length > 0) {
      const card = this.card('ACC');
      card.value.textContent = `${((accuracy[accuracy.length - 1].y ?? 0) * 100).toFixed(1)}%`;
      card.chart.data.datasets = this.datasets('ACC', accuracy, undefined);
      this.style(card.chart, false, true);
      card.chart.update('none');
    } else {
      this.cards.get('ACC')?.root.remove();
      this.cards.get('ACC')?.chart.destroy();
      this.cards.delete('ACC');
    }
  }
}
