/** Comparison webview: several runs' losses and paper metrics on shared charts, and their differences. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { LOSS_KEYS } from '../../shared/protocol';
import { CompareInSchema, type CompareIn, type CompareOut } from '../../shared/webviewProtocol';
import { onThemeChange } from '../common/theme';
import { connect, el } from '../common/vscodeApi';
import { CompareCharts, runColor, runDash } from './compareCharts';
import { CompareGrids } from './compareGrids';
import {
  applyCompareInit,
  configRows,
  evalLines,
  initialCompareModel,
  lossLines,
  reduceCompare,
  restoreCompareUi,
  resultRows,
  type CompareModel,
  type CompareUiState,
  type TableRow,
} from './compareModel';

let model: CompareModel = initialCompareModel;
const bridge = connect<CompareIn, CompareOut, CompareUiState>(CompareInSchema, onMessage);
let ui: CompareUiState = restoreCompareUi(bridge.savedState());

const app = document.getElementById('app')!;
const header = el('header', { class: 'bar' });
const title = el('h1', { id: 'compare-title' }, 'DTN Compare');
const spacer = el('span', { class: 'spacer' });
const btnReport = el('vscode-button', { id: 'btn-report', secondary: '' }, 'ablation.md');
const btnPick = el('vscode-button', { id: 'btn-pick', secondary: '' }, 'Runs…');
header.append(title, spacer, btnReport, btnPick);

/** The legend: one chip per run (colour, name, status); click hides/shows it on every chart. */
const legend = el('section', { class: 'legend', id: 'legend', role: 'list', 'aria-label': 'Compared runs' });

const controls = el('section', { class: 'controls' });
const smoothLabel = el('label', { for: 'smoothing' }, 'Smoothing');
const smoothInput = el('input', { id: 'smoothing', type: 'range', min: '0', max: '0.99', step: '0.01' });
const smoothValue = el('span', { class: 'smooth-value' });
const logBox = el('vscode-checkbox', { id: 'log-scale', label: 'Log scale' });
const evalHint = el('span', { class: 'hint', id: 'eval-hint' });
controls.append(smoothLabel, smoothInput, smoothValue, logBox, evalHint);

const charts = el('section', { class: 'grid', id: 'charts' });
const tableSection = el('section', { class: 'table-section' });
const tableHead = el('div', { class: 'table-head' });
const sameBox = el('vscode-checkbox', { id: 'show-same', label: 'Show identical config keys' });
tableHead.append(el('h2', {}, 'Results and config differences'), sameBox);
const tableWrap = el('div', { class: 'table-wrap' });
const table = el('table', { class: 'diff', id: 'diff-table' });
tableWrap.append(table);
tableSection.append(tableHead, tableWrap);

const empty = el('section', { class: 'empty', id: 'empty' });
empty.append(
  el('p', {}, 'Nothing to compare yet. Pick runs (or an ablation folder written by `dtn ablate`).'),
  el('vscode-button', { id: 'btn-pick-empty' }, 'Pick Runs…'),
);
const compareGrids = new CompareGrids((step) => setUi({ ...ui, sampleStep: step }));
app.append(header, legend, controls, charts, compareGrids.root, tableSection, empty);

const compareCharts = new CompareCharts(charts);
type Checkable = HTMLElement & { checked: boolean };

btnPick.addEventListener('click', () => bridge.post({ type: 'pickRuns' }));
empty.querySelector('#btn-pick-empty')!.addEventListener('click', () => bridge.post({ type: 'pickRuns' }));
btnReport.addEventListener('click', () => bridge.post({ type: 'openReport' }));
smoothInput.addEventListener('input', () => setUi({ ...ui, smoothing: Number(smoothInput.value) }));
logBox.addEventListener('change', () => setUi({ ...ui, logScale: (logBox as Checkable).checked }));
sameBox.addEventListener('change', () => setUi({ ...ui, showSame: (sameBox as Checkable).checked }));
onThemeChange(() => render());

function setUi(next: CompareUiState): void {
  ui = next;
  bridge.saveState(ui);
  render();
}

function toggleHidden(runDir: string): void {
  setUi({ ...ui, hidden: ui.hidden.includes(runDir) ? ui.hidden.filter((d) => d !== runDir) : [...ui.hidden, runDir] });
}

function onMessage(msg: CompareIn): void {
  model = reduceCompare(model, msg);
  if (msg.type === 'init') {
    ui = applyCompareInit(ui, msg);
    bridge.saveState(ui);
  }
  render();
}

/** A small swatch in the run's colour (a dashed one past the sixth run). */
function swatch(runDir: string): HTMLElement {
  const slot = ui.colors[runDir] ?? 0;
  const s = el('span', { class: `swatch${runDash(slot).length ? ' dashed' : ''}`, 'aria-hidden': 'true' });
  s.style.setProperty('--run-color', runColor(slot));
  return s;
}

/** What the legend and the table were last drawn from: redrawn only on change (keeps focus and hover). */
let legendKey = '';
let tableKey = '';

function renderLegend(): void {
  const key = JSON.stringify([model.runs.map((r) => [r.run.runDir, r.label, r.run.status]), ui.hidden, ui.colors, document.body.className]);
  if (key === legendKey) return;
  legendKey = key;
  legend.replaceChildren(
    ...model.runs.map((r) => {
      const hidden = ui.hidden.includes(r.run.runDir);
      const chip = el('div', { class: `chip${hidden ? ' hidden-run' : ''}`, role: 'listitem' });
      const toggle = el('button', {
        class: 'chip-toggle',
        type: 'button',
        'aria-pressed': String(!hidden),
        title: `${hidden ? 'Show' : 'Hide'} ${r.label} on the charts\n${r.run.runDir}`,
      });
      toggle.append(
        swatch(r.run.runDir),
        el('span', { class: 'chip-label' }, r.label),
        el('span', { class: 'chip-status' }, r.run.status === 'running' ? '● live' : ''),
      );
      toggle.addEventListener('click', () => toggleHidden(r.run.runDir));
      const dash = el(
        'button',
        {
          class: 'chip-action',
          type: 'button',
          title: `Open the dashboard of ${r.label}`,
          'aria-label': `Open the dashboard of ${r.label}`,
        },
        '↗',
      );
      dash.addEventListener('click', () => bridge.post({ type: 'openDashboard', runDir: r.run.runDir }));
      const remove = el(
        'button',
        {
          class: 'chip-action',
          type: 'button',
          title: `Remove ${r.label} from the comparison`,
          'aria-label': `Remove ${r.label} from the comparison`,
        },
        '×',
      );
      remove.addEventListener('click', () => bridge.post({ type: 'remove', runDir: r.run.runDir }));
      chip.append(toggle, dash, remove);
      return chip;
    }),
  );
}

function renderTable(): void {
  const results = resultRows(model.runs);
  const cfg = configRows(model.runs, ui.showSame);
  const key = JSON.stringify([model.runs.map((r) => [r.run.runDir, r.label, !r.config]), results, cfg, ui.colors, document.body.className]);
  if (key === tableKey) return;
  tableKey = key;
  const head = el('thead');
  const hr = el('tr');
  hr.append(el('th', { scope: 'col', class: 'key' }, ''));
  for (const r of model.runs) {
    const th = el('th', { scope: 'col', title: r.run.runDir });
    th.append(swatch(r.run.runDir), el('span', {}, r.label));
    hr.append(th);
  }
  head.append(hr);
  const body = el('tbody');
  const section = (text: string) => {
    const tr = el('tr', { class: 'section' });
    tr.append(el('th', { scope: 'rowgroup', colspan: String(model.runs.length + 1) }, text));
    body.append(tr);
  };
  const row = (r: TableRow) => {
    const tr = el('tr', { class: r.same ? 'same' : '' });
    tr.append(el('th', { scope: 'row', class: 'key', ...(r.title ? { title: r.title } : {}) }, r.key));
    r.cells.forEach((c, i) => tr.append(el('td', { class: r.best.includes(i) ? 'best' : '' }, c)));
    body.append(tr);
  };
  section('Results');
  results.forEach(row);
  const missing = model.runs.filter((r) => !r.config).map((r) => r.label);
  const differing = cfg.filter((r) => !r.same).length;
  const keys = differing === 1 ? '1 key differs' : `${differing} keys differ`;
  section(`Config (config.json) · ${keys}${missing.length ? ` · no config.json: ${missing.join(', ')}` : ''}`);
  if (cfg.length === 0) {
    const tr = el('tr', { class: 'same' });
    tr.append(
      el(
        'td',
        { colspan: String(model.runs.length + 1) },
        model.runs.length > 1 ? 'The configs are identical.' : 'Add another run to see differences.',
      ),
    );
    body.append(tr);
  }
  cfg.forEach(row);
  table.replaceChildren(head, body);
}

function render(): void {
  const has = model.runs.length > 0;
  empty.hidden = !model.empty;
  for (const e of [legend, controls, charts, tableSection]) e.hidden = !has;
  if (!has) compareGrids.root.hidden = true;
  title.textContent = has ? `Compare · ${model.title}` : 'DTN Compare';
  btnReport.hidden = !model.source?.report;
  btnReport.textContent = model.source?.reportName ?? 'ablation.md';
  const smoothing = ui.smoothing ?? 0.6;
  smoothInput.value = String(smoothing);
  smoothValue.textContent = smoothing.toFixed(2);
  (logBox as Checkable).checked = ui.logScale;
  (sameBox as Checkable).checked = ui.showSame;
  if (!has) return;
  renderLegend();
  const accuracy = evalLines(model.runs, ui, 'accuracy');
  evalHint.textContent =
    accuracy.length === 0
      ? 'No evaluations recorded: runs record translation accuracy at checkpoints once a classifier exists (dtn train-classifier).'
      : '';
  compareCharts.update({
    losses: LOSS_KEYS.map((k) => [k, lossLines(model.runs, ui, k)]),
    accuracy,
    fConstancy: evalLines(model.runs, ui, 'fConstancy'),
    smoothing,
    logScale: ui.logScale,
  });
  compareGrids.update(model.runs, ui.hidden, ui.sampleStep);
  renderTable();
}

render();
bridge.post({ type: 'ready' });
