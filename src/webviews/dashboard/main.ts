/** Dashboard webview: live loss charts, throughput and ETA of one run. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import { formatDuration } from '../../shared/trainingProgress';
import { DashboardInSchema, type DashboardIn, type DashboardOut } from '../../shared/webviewProtocol';
import { statusText } from '../common/runStatus';
import { onThemeChange } from '../common/theme';
import { connect, el } from '../common/vscodeApi';
import {
  accuracyMeaning,
  accuracySeries,
  allLossSeries,
  applyInit,
  confusionAt,
  confusionSteps,
  headline,
  initialModel,
  reduceDashboard,
  restoreUiState,
  type DashboardModel,
  type DashboardUiState,
} from './dashboardModel';
import { ConfusionCard } from './confusionCard';
import { LossCharts } from './lossCharts';

let model: DashboardModel = initialModel;
const bridge = connect<DashboardIn, DashboardOut, DashboardUiState>(DashboardInSchema, onMessage);
let ui: DashboardUiState = restoreUiState(bridge.savedState());

const app = document.getElementById('app')!;
const header = el('header', { class: 'bar' });
const title = el('h1', { id: 'run-id' }, 'DTN Dashboard');
const badge = el('vscode-badge', { id: 'run-status' });
const spacer = el('span', { class: 'spacer' });
const btnSamples = el('vscode-button', { id: 'btn-samples', secondary: '' }, 'Samples');
const btnCompare = el('vscode-button', { id: 'btn-compare', secondary: '', title: 'Compare this run with others' }, 'Compare…');
const btnOpen = el('vscode-button', { id: 'btn-open', secondary: '' }, 'Open Run…');
const btnStop = el('vscode-button', { id: 'btn-stop' }, 'Stop (checkpoint)');
header.append(title, badge, spacer, btnSamples, btnCompare, btnOpen, btnStop);

const progressRow = el('section', { class: 'progress' });
const progress = el('vscode-progress-bar', { id: 'progress', max: '1' });
const stats = el('div', { class: 'stats', id: 'stats' });
progressRow.append(progress, stats);

const controls = el('section', { class: 'controls' });
const smoothLabel = el('label', { for: 'smoothing' }, 'Smoothing');
const smoothInput = el('input', { id: 'smoothing', type: 'range', min: '0', max: '0.99', step: '0.01' });
const smoothValue = el('span', { class: 'smooth-value' });
const logBox = el('vscode-checkbox', { id: 'log-scale', label: 'Log scale' });
const device = el('span', { class: 'device', id: 'device' });
controls.append(smoothLabel, smoothInput, smoothValue, logBox, device);

const charts = el('section', { class: 'grid', id: 'charts' });
const empty = el('section', { class: 'empty', id: 'empty' });
empty.append(
  el('p', {}, 'No run to show yet. Start one with “DTN: Start Training”, or open a run folder.'),
  el('vscode-button', { id: 'btn-open-empty' }, 'Open Run…'),
);
const errorBox = el('section', { class: 'error', id: 'run-error' });
const notes = el('p', { class: 'run-notes', id: 'run-notes' });
app.append(header, notes, progressRow, errorBox, controls, charts, empty);

const lossCharts = new LossCharts(charts);
const confusion = new ConfusionCard(charts, (step) => setUi({ ...ui, confusionStep: step }));

btnSamples.addEventListener('click', () => bridge.post({ type: 'openSamples' }));
btnOpen.addEventListener('click', () => bridge.post({ type: 'openRun' }));
btnCompare.addEventListener('click', () => bridge.post({ type: 'compare' }));
empty.querySelector('#btn-open-empty')!.addEventListener('click', () => bridge.post({ type: 'openRun' }));
btnStop.addEventListener('click', () => bridge.post({ type: 'stop' }));
smoothInput.addEventListener('input', () => {
  setUi({ ...ui, smoothing: Number(smoothInput.value) });
});
logBox.addEventListener('change', () => setUi({ ...ui, logScale: (logBox as HTMLElement & { checked: boolean }).checked }));
onThemeChange(() => render());

function setUi(next: DashboardUiState): void {
  ui = next;
  bridge.saveState(ui);
  render();
}

function onMessage(msg: DashboardIn): void {
  model = reduceDashboard(model, msg);
  if (msg.type === 'init') {
    ui = applyInit(ui, msg);
    bridge.saveState(ui);
  }
  render();
}

function render(): void {
  const run = model.run;
  empty.hidden = !model.empty;
  for (const e of [progressRow, controls, charts]) e.hidden = !run;
  btnStop.hidden = !((run?.managed || run?.stoppable) && run.status === 'running');
  btnSamples.hidden = !run;
  btnCompare.hidden = !run;
  // The name wraps rather than being cut; the hover adds the folder's id.
  title.textContent = run ? (run.name ?? run.runId) : 'DTN Dashboard';
  title.title = run ? [run.name ?? run.runId, `id ${run.runId}`, run.runDir].join('\n') : '';
  notes.hidden = !run?.notes;
  notes.textContent = run?.notes ?? '';
  badge.hidden = !run;
  badge.textContent = run ? statusText(run) : '';
  errorBox.hidden = !run?.error;
  errorBox.textContent = run?.error ? `Error: ${run.error}` : '';
  const smoothing = ui.smoothing ?? 0.6;
  smoothInput.value = String(smoothing);
  smoothValue.textContent = smoothing.toFixed(2);
  (logBox as HTMLElement & { checked: boolean }).checked = ui.logScale;
  if (!run) return;
  device.textContent = run.backend ? `${run.backend} · ${run.device ?? ''}` : '';
  const h = headline(model)!;
  (progress as HTMLElement & { value: number }).value = h.progress;
  const parts = [
    `step ${h.step} / ${h.totalSteps}`,
    h.imgPerSec !== undefined ? `${h.imgPerSec.toFixed(1)} img/s` : undefined,
    h.msPerStep !== undefined ? `${Math.round(h.msPerStep)} ms/step` : undefined,
    run.status === 'running' ? `ETA ${formatDuration(h.etaMs)}` : undefined,
    `${model.records.length} records`,
    h.best ? `best ${pct(h.best.accuracy)} at step ${h.best.step}` : undefined,
    h.evaluated
      ? `evaluated step ${h.evaluated.step}: ${pct(h.evaluated.accuracy)}, f-constancy ${h.evaluated.fConstancy.toExponential(2)}`
      : undefined,
  ];
  stats.textContent = parts.filter(Boolean).join('  ·  ');
  const meaning = accuracyMeaning(model.records);
  lossCharts.update(allLossSeries(model.records, smoothing, ui.logScale), accuracySeries(model.records), ui.logScale, smoothing, meaning);
  confusion.update(confusionAt(model.records, ui.confusionStep), confusionSteps(model.records), ui.confusionStep);
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

render();
bridge.post({ type: 'ready' });
