/** Samples webview: the newest source -> G(source) grid, live, and a slider through every saved grid. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { SamplesInSchema, type SamplesIn, type SamplesOut } from '../../shared/webviewProtocol';
import { statusText } from '../common/runStatus';
import { connect, el } from '../common/vscodeApi';
import {
  initialSamplesModel,
  reduceSamples,
  restoreSamplesUi,
  selected,
  selectIndex,
  setFollow,
  toUiState,
  type SamplesModel,
  type SamplesUiState,
} from './samplesModel';

let model: SamplesModel = initialSamplesModel;
const bridge = connect<SamplesIn, SamplesOut, SamplesUiState>(SamplesInSchema, onMessage);
const saved = restoreSamplesUi(bridge.savedState());

const app = document.getElementById('app')!;
const header = el('header', { class: 'bar' });
const title = el('h1', { id: 'run-id' }, 'DTN Samples');
const badge = el('vscode-badge', { id: 'run-status' });
const spacer = el('span', { class: 'spacer' });
const btnDash = el('vscode-button', { id: 'btn-dashboard', secondary: '' }, 'Dashboard');
const btnOpen = el('vscode-button', { id: 'btn-open', secondary: '' }, 'Open Run…');
header.append(title, badge, spacer, btnDash, btnOpen);

const viewer = el('section', { class: 'viewer' });
const figure = el('figure', { class: 'grid-figure' });
const rowLabels = el('div', { class: 'row-labels' });
rowLabels.append(el('span', {}, 'source x ∈ S'), el('span', {}, 'G(x)'));
const img = el('img', { id: 'sample-img', alt: 'source images (top) and their translations G(x) (bottom)' });
figure.append(rowLabels, img);
const caption = el('div', { class: 'caption', id: 'sample-caption' });
viewer.append(figure, caption);

const sliderRow = el('section', { class: 'slider-row' });
const slider = el('input', { id: 'step-slider', type: 'range', min: '0', max: '0', step: '1', 'aria-label': 'sample step' });
const follow = el('vscode-checkbox', { id: 'follow', label: 'Follow newest' });
sliderRow.append(slider, follow);

const empty = el('section', { class: 'empty', id: 'empty' });
const emptyText = el('p', {}, 'No run to show yet. Start one with “DTN: Start Training”, or open a run folder.');
empty.append(emptyText, el('vscode-button', { id: 'btn-open-empty' }, 'Open Run…'));
app.append(header, viewer, sliderRow, empty);

btnDash.addEventListener('click', () => bridge.post({ type: 'openDashboard' }));
btnOpen.addEventListener('click', () => bridge.post({ type: 'openRun' }));
empty.querySelector('#btn-open-empty')!.addEventListener('click', () => bridge.post({ type: 'openRun' }));
slider.addEventListener('input', () => update(selectIndex(model, Number(slider.value))));
follow.addEventListener('change', () => update(setFollow(model, (follow as HTMLElement & { checked: boolean }).checked)));

function onMessage(msg: SamplesIn): void {
  update(reduceSamples(model, msg, saved));
}

function update(next: SamplesModel): void {
  model = next;
  if (model.run) bridge.saveState(toUiState(model));
  render();
}

function render(): void {
  const run = model.run;
  empty.hidden = !model.empty && !(run && model.samples.length === 0);
  emptyText.textContent = run
    ? 'This run has no sample grids yet: the first appears when training starts.'
    : 'No run to show yet. Start one with “DTN: Start Training”, or open a run folder.';
  title.textContent = run ? run.runId : 'DTN Samples';
  badge.hidden = !run;
  badge.textContent = run ? statusText(run) : '';
  btnDash.hidden = !run;
  const sel = selected(model);
  viewer.hidden = !sel;
  sliderRow.hidden = !sel;
  (follow as HTMLElement & { checked: boolean }).checked = model.follow;
  if (!sel) return;
  slider.max = String(model.samples.length - 1);
  slider.value = String(sel.index);
  // Only the shown grid is loaded: scrubbing or a fast run never loads more than one image at a time.
  if (img.getAttribute('src') !== sel.sample.uri) img.src = sel.sample.uri;
  const of = run ? ` of ${run.totalSteps}` : '';
  const following = model.follow ? '  ·  following newest' : '';
  caption.textContent = `step ${sel.sample.step}${of}  ·  grid ${sel.index + 1} / ${model.samples.length}${following}`;
}

render();
bridge.post({ type: 'ready' });
