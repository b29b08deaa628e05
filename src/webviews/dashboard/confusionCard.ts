/**
 * The confusion matrix of one evaluation as a heatmap (chartjs-chart-matrix): rows are the source
 * digit, columns what the classifier reads in its translation, each cell shaded by its share of the
 * row. A good translator is a bright diagonal; a class permutation is a bright cell off it.
 */
import { CategoryScale, Chart, Tooltip } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import { withAlpha } from '../common/chartCard';
import { cssVar, isHighContrast } from '../common/theme';
import { el } from '../common/vscodeApi';
import type { ConfusionView } from './dashboardModel';

Chart.register(MatrixController, MatrixElement, CategoryScale, Tooltip);

interface Cell {
  x: string;
  y: string;
  /** Count. */
  v: number;
  /** Share of the row. */
  share: number;
}

export class ConfusionCard {
  readonly root: HTMLElement;
  private readonly stepPicker: HTMLSelectElement;
  private readonly summary: HTMLElement;
  private readonly perClass: HTMLElement;
  private readonly chart: Chart<'matrix', Cell[]>;

  constructor(container: HTMLElement, onPick: (step: number | undefined) => void) {
    this.root = el('div', { class: 'card confusion', 'data-card': 'confusion' });
    const head = el('div', { class: 'card-head' });
    this.stepPicker = el('select', { id: 'confusion-step', 'aria-label': 'Evaluation step' }) as HTMLSelectElement;
    this.stepPicker.addEventListener('change', () => onPick(this.stepPicker.value === '' ? undefined : Number(this.stepPicker.value)));
    head.append(
      el('span', { class: 'card-title' }, 'Confusion'),
      el(
        'span',
        { class: 'card-help', title: 'rows: source digit · columns: what the MNIST classifier reads in its translation' },
        'source digit → read as',
      ),
      this.stepPicker,
    );
    const box = el('div', { class: 'chart-box square' });
    const canvas = el('canvas', { 'aria-label': 'Confusion matrix of the translation', role: 'img' });
    box.append(canvas);
    this.summary = el('div', { class: 'confusion-summary', id: 'confusion-summary' });
    this.perClass = el('div', { class: 'per-class', id: 'per-class' });
    this.root.append(head, box, this.summary, this.perClass);
    container.append(this.root);
    this.chart = new Chart<'matrix', Cell[]>(canvas as HTMLCanvasElement, {
      type: 'matrix',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: () => '',
              label: (item) => {
                const c = item.raw as Cell;
                return `${c.y} read as ${c.x}: ${c.v} (${(c.share * 100).toFixed(1)}% of ${c.y}s)`;
              },
            },
          },
        },
      },
    });
  }

  update(view: ConfusionView | undefined, steps: number[], picked: number | undefined): void {
    this.root.hidden = !view;
    if (!view) return;
    // After the loss and accuracy cards, which are created as their series first arrive.
    if (this.root.nextElementSibling) this.root.parentElement!.append(this.root);
    this.renderPicker(steps, picked);
    const k = view.counts.length;
    const labels = Array.from({ length: k }, (_, i) => String(i));
    const cells: Cell[] = [];
    view.counts.forEach((row, t) => {
      const n = row.reduce((a, b) => a + b, 0);
      row.forEach((v, p) => cells.push({ x: String(p), y: String(t), v, share: n > 0 ? v / n : 0 }));
    });
    const hot = cssVar('--vscode-charts-blue', '#3794ff');
    const wrong = cssVar('--vscode-charts-red', '#f14c4c');
    const fg = cssVar('--vscode-descriptionForeground', '#999');
    const border = isHighContrast() ? cssVar('--vscode-contrastBorder', '#6fc3df') : 'transparent';
    const font = { family: cssVar('--vscode-font-family', 'sans-serif'), size: 11 };
    this.chart.data.datasets = [
      {
        data: cells,
        // Diagonal in the theme's blue, confusions in red, both by their share of the row.
        backgroundColor: (ctx) => {
          const c = ctx.raw as Cell | undefined;
          if (!c) return 'transparent';
          return withAlpha(c.x === c.y ? hot : wrong, c.share === 0 ? 0.04 : 0.15 + 0.85 * c.share);
        },
        borderColor: border,
        borderWidth: 1,
        width: ({ chart }) => (chart.chartArea?.width ?? 0) / k - 1,
        height: ({ chart }) => (chart.chartArea?.height ?? 0) / k - 1,
      },
    ];
    const axis = {
      type: 'category' as const,
      labels,
      offset: true,
      ticks: { color: fg, font },
      grid: { display: false },
      border: { display: false },
    };
    this.chart.options.scales = {
      x: { ...axis, position: 'top', title: { display: true, text: 'read as', color: fg, font } },
      y: { ...axis, reverse: false, title: { display: true, text: 'source digit', color: fg, font } },
    };
    this.chart.update();
    const total = view.counts.flat().reduce((a, b) => a + b, 0);
    const correct = view.counts.reduce((a, row, i) => a + row[i], 0);
    this.summary.textContent =
      `step ${view.step}: ${pct(total ? correct / total : 0)} of ${total}` +
      (view.worst ? ` · most confused: ${view.worst.label} read as ${view.worst.readAs} (${pct(view.worst.share)})` : '');
    this.perClass.replaceChildren(
      ...view.perClass.map((a, i) => {
        const low = a !== undefined && a < 0.9;
        return el(
          'span',
          { class: low ? 'class-acc low' : 'class-acc', title: `source digit ${i}` },
          `${i}: ${a === undefined ? '–' : pct(a, 0)}`,
        );
      }),
    );
  }

  private renderPicker(steps: number[], picked: number | undefined): void {
    const options = [
      el('option', { value: '' }, `newest (${steps.at(-1) ?? '–'})`),
      ...steps.map((s) => el('option', { value: String(s) }, `step ${s}`)),
    ];
    this.stepPicker.replaceChildren(...options);
    this.stepPicker.value = picked !== undefined && steps.includes(picked) ? String(picked) : '';
  }
}

const pct = (v: number, digits = 1) => `${(v * 100).toFixed(digits)}%`;
