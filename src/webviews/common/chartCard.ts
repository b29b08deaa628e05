/**
 * A titled card holding one Chart.js line chart, styled from the VS Code theme: what the dashboard
 * and the comparison panel draw every quantity in.
 */
import { Chart, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip, type ChartOptions } from 'chart.js';
import type { Point } from './metricSeries';
import { cssVar, isHighContrast } from './theme';
import { el } from './vscodeApi';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

export type LineChart = Chart<'line', Point[]>;
export type YAxis = 'linear' | 'logarithmic' | 'percent';

/** `#rrggbb` with an alpha; other colour forms are returned unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export interface ChartCardSpec {
  /** data-* attribute that tests and CSS find the card by, e.g. ['data-loss', 'G']. */
  data: [string, string];
  title: string;
  help: string;
  ariaLabel: string;
  /** Right-hand element of the header (latest value, or a note). */
  tail: HTMLElement;
  interaction: ChartOptions<'line'>['interaction'];
  tooltip: NonNullable<ChartOptions<'line'>['plugins']>['tooltip'];
}

export function createChartCard(container: HTMLElement, spec: ChartCardSpec): { root: HTMLElement; chart: LineChart } {
  const root = el('div', { class: 'card', [spec.data[0]]: spec.data[1] });
  const head = el('div', { class: 'card-head' });
  head.append(el('span', { class: 'card-title' }, spec.title), el('span', { class: 'card-help', title: spec.help }, spec.help), spec.tail);
  const box = el('div', { class: 'chart-box' });
  const canvas = el('canvas', { 'aria-label': spec.ariaLabel, role: 'img' });
  box.append(canvas);
  root.append(head, box);
  container.append(root);
  const chart: LineChart = new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      interaction: spec.interaction,
      plugins: { tooltip: spec.tooltip },
    },
  });
  return { root, chart };
}

/** Theme-coloured axes: steps on x; y linear, logarithmic, or a 0-100% accuracy scale. */
export function styleAxes(chart: LineChart, y: YAxis): void {
  const fg = cssVar('--vscode-descriptionForeground', '#999');
  const grid = isHighContrast()
    ? cssVar('--vscode-contrastBorder', '#6fc3df')
    : withAlpha(cssVar('--vscode-editorWidget-border', '#454545'), 0.6);
  const font = { family: cssVar('--vscode-font-family', 'sans-serif'), size: 11 };
  const axis = { ticks: { color: fg, font, maxTicksLimit: 6 }, grid: { color: grid }, border: { color: grid } };
  chart.options.scales = {
    // Steps count from 0 in whole numbers: a single evaluation at step 10 reads 0..10, not 9.5..10.5.
    x: { type: 'linear', min: 0, ...axis, ticks: { ...axis.ticks, precision: 0 }, title: { display: true, text: 'step', color: fg, font } },
    y:
      y === 'percent'
        ? { type: 'linear', min: 0, max: 1, ...axis, ticks: { ...axis.ticks, callback: (v) => `${Math.round(Number(v) * 100)}%` } }
        : { type: y, ...axis },
  };
}
