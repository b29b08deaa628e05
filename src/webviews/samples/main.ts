/**
 * The sample explorer: a run's source -> G(source) grids, live, scaled crisply to the panel (or a
 * chosen zoom), a tile inspected large (hover or click), step A beside step B, a filmstrip of one
 * tile over the steps, and an animation through them.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { gridGeometry, tileRect, type GridGeometry } from '../../shared/sampleIndex';
import { SamplesInSchema, type SampleRef, type SamplesIn, type SamplesOut } from '../../shared/webviewProtocol';
import { loadedImage } from '../common/imageCache';
import { LaneGrid, tileCanvas } from '../common/laneGrid';
import { statusText } from '../common/runStatus';
import { columnsFor, fitScale, layoutLanes, tileCaption, type Lane } from '../common/tileLayout';
import { connect, el } from '../common/vscodeApi';
import {
  clickTile,
  compareSelected,
  filmstripSteps,
  hoverTile,
  initialSamplesModel,
  inspectedTile,
  moveTile,
  playTick,
  reduceSamples,
  restoreSamplesUi,
  selectCompareIndex,
  selected,
  selectIndex,
  setCompare,
  setFollow,
  setShown,
  setZoom,
  stepZoom,
  togglePlay,
  toUiState,
  type SamplesModel,
  type SamplesUiState,
} from './samplesModel';

const FRAME_MS = 350;
const FILMSTRIP_MAX = 24;

let model: SamplesModel = initialSamplesModel;
const bridge = connect<SamplesIn, SamplesOut, SamplesUiState>(SamplesInSchema, onMessage);
const saved = restoreSamplesUi(bridge.savedState());
const images = new Map<string, HTMLImageElement>();
type Checkable = HTMLElement & { checked: boolean };

const app = document.getElementById('app')!;
const header = el('header', { class: 'bar' });
const title = el('h1', { id: 'run-id' }, 'DTN Samples');
const badge = el('vscode-badge', { id: 'run-status' });
const spacer = el('span', { class: 'spacer' });
const btnDash = el('vscode-button', { id: 'btn-dashboard', secondary: '' }, 'Dashboard');
const btnOpen = el('vscode-button', { id: 'btn-open', secondary: '' }, 'Open Run…');
header.append(title, badge, spacer, btnDash, btnOpen);

const toolbar = el('section', { class: 'toolbar', id: 'toolbar' });
const btnZoomOut = el('button', { id: 'zoom-out', type: 'button', title: 'Zoom out', 'aria-label': 'Zoom out' }, '−');
const zoomLabel = el('span', { id: 'zoom-label', class: 'zoom-label' });
const btnZoomIn = el('button', { id: 'zoom-in', type: 'button', title: 'Zoom in', 'aria-label': 'Zoom in' }, '+');
const btnFit = el('button', { id: 'zoom-fit', type: 'button', title: 'Fit the grid to the panel' }, 'Fit');
const shownLabel = el('label', { for: 'tiles-shown' }, 'Tiles');
const shownInput = el('input', { id: 'tiles-shown', type: 'number', min: '1', step: '1' });
const shownOf = el('span', { class: 'hint', id: 'tiles-of' });
const compareBox = el('vscode-checkbox', { id: 'compare', label: 'Step B beside A' });
const btnPlay = el('button', { id: 'play', type: 'button', title: 'Play through the steps' }, '▶ Play');
toolbar.append(
  btnZoomOut,
  zoomLabel,
  btnZoomIn,
  btnFit,
  el('span', { class: 'sep' }),
  shownLabel,
  shownInput,
  shownOf,
  el('span', { class: 'sep' }),
  compareBox,
  btnPlay,
);

const notice = el('p', { class: 'notice', id: 'notice' });
const viewer = el('section', { class: 'viewer' });
const scroller = el('div', { class: 'grid-scroll' });
const grid = new LaneGrid('sample-grid', {
  hover: (t) => update(hoverTile(model, t), false),
  click: (t) => update(clickTile(model, t)),
});
scroller.append(grid.root);
const caption = el('div', { class: 'caption', id: 'sample-caption' });
viewer.append(scroller, caption);

const sliderRow = el('section', { class: 'slider-row' });
const slider = el('input', { id: 'step-slider', type: 'range', min: '0', max: '0', step: '1', 'aria-label': 'step A' });
const follow = el('vscode-checkbox', { id: 'follow', label: 'Follow newest' });
sliderRow.append(el('span', { class: 'slider-name' }, 'A'), slider, follow);
const sliderRowB = el('section', { class: 'slider-row', id: 'slider-b-row' });
const sliderB = el('input', { id: 'step-slider-b', type: 'range', min: '0', max: '0', step: '1', 'aria-label': 'step B' });
const captionB = el('span', { class: 'caption', id: 'caption-b' });
sliderRowB.append(el('span', { class: 'slider-name' }, 'B'), sliderB, captionB);

const inspector = el('section', { class: 'inspector', id: 'inspector' });
const inspectorTitle = el('h2', { id: 'inspector-title' });
const inspectorTiles = el('div', { class: 'inspector-tiles', id: 'inspector-tiles' });
const filmTitle = el('h3', {}, 'This tile over the steps');
const filmstrip = el('div', { class: 'filmstrip', id: 'filmstrip' });
inspector.append(inspectorTitle, inspectorTiles, filmTitle, filmstrip);

const empty = el('section', { class: 'empty', id: 'empty' });
const emptyText = el('p', {}, 'No run to show yet. Start one with “DTN: Start Training”, or open a run folder.');
empty.append(emptyText, el('vscode-button', { id: 'btn-open-empty' }, 'Open Run…'));
const hint = el(
  'p',
  { class: 'hint', id: 'hint' },
  'Click a tile (or use the arrow keys on the grid) to inspect it large; hover to preview.',
);
app.append(header, toolbar, notice, viewer, sliderRow, sliderRowB, hint, inspector, empty);

btnDash.addEventListener('click', () => bridge.post({ type: 'openDashboard' }));
btnOpen.addEventListener('click', () => bridge.post({ type: 'openRun' }));
empty.querySelector('#btn-open-empty')!.addEventListener('click', () => bridge.post({ type: 'openRun' }));
slider.addEventListener('input', () => update(selectIndex(model, Number(slider.value))));
sliderB.addEventListener('input', () => update(selectCompareIndex(model, Number(sliderB.value))));
follow.addEventListener('change', () => update(setFollow(model, (follow as Checkable).checked)));
compareBox.addEventListener('change', () => update(setCompare(model, (compareBox as Checkable).checked)));
btnZoomIn.addEventListener('click', () => update(stepZoom(model, 1, currentFit)));
btnZoomOut.addEventListener('click', () => update(stepZoom(model, -1, currentFit)));
btnFit.addEventListener('click', () => update(setZoom(model, 'fit')));
shownInput.addEventListener('change', () =>
  update(setShown(model, shownInput.value === '' ? undefined : Number(shownInput.value), geometryA?.count ?? 1)),
);
btnPlay.addEventListener('click', () => update(togglePlay(model)));
grid.canvas.addEventListener('keydown', (e) => {
  const count = geometryA?.count ?? 0;
  const cols = lastColumns;
  const delta = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols }[e.key];
  if (delta !== undefined) {
    e.preventDefault();
    update(moveTile(model, delta, count));
  } else if (e.key === 'Escape') update(clickTile(model, undefined));
});
new ResizeObserver(() => render()).observe(viewer);

let timer: ReturnType<typeof setInterval> | undefined;
let currentFit = 1;
let lastColumns = 8;
let geometryA: GridGeometry | undefined;

function onMessage(msg: SamplesIn): void {
  update(reduceSamples(model, msg, saved));
}

function update(next: SamplesModel, persist = true): void {
  if (next === model) return;
  model = next;
  if (model.run && persist) bridge.saveState(toUiState(model));
  if (model.view.playing && !timer) timer = setInterval(() => update(playTick(model), false), FRAME_MS);
  if (!model.view.playing && timer) {
    clearInterval(timer);
    timer = undefined;
  }
  render();
}

/** A grid's image and tiles once loaded (render runs again when it arrives). */
function gridOf(sample: SampleRef | undefined): { img: HTMLImageElement; g: GridGeometry } | undefined {
  const img = sample && loadedImage(sample.uri, render, images);
  const g = img && gridGeometry(img.naturalWidth, img.naturalHeight, model.index, sample.step);
  return img && g ? { img, g } : undefined;
}

/** Tile for tile the same sources: both grids named by the same index, or neither named (older runs). */
function sameSourceRow(a: GridGeometry, b: GridGeometry): boolean {
  const sameShape = a.count === b.count && a.tileWidth === b.tileWidth && a.tileHeight === b.tileHeight;
  return sameShape && Boolean(a.tiles) === Boolean(b.tiles);
}

function render(): void {
  const run = model.run;
  empty.hidden = !model.empty && !(run && model.samples.length === 0);
  emptyText.textContent = run
    ? 'This run has no sample grids yet: the first appears when training starts.'
    : 'No run to show yet. Start one with “DTN: Start Training”, or open a run folder.';
  title.textContent = run ? (run.name ?? run.runId) : 'DTN Samples';
  title.title = run ? `${run.name ?? run.runId}\nid ${run.runId}` : '';
  badge.hidden = !run;
  badge.textContent = run ? statusText(run) : '';
  btnDash.hidden = !run;
  notice.hidden = !model.indexProblem;
  notice.textContent = model.indexProblem ?? '';
  const sel = selected(model);
  const selB = compareSelected(model);
  for (const e of [viewer, sliderRow, toolbar, hint]) e.hidden = !sel;
  sliderRowB.hidden = !selB;
  (follow as Checkable).checked = model.follow;
  (compareBox as Checkable).checked = Boolean(selB);
  btnPlay.textContent = model.view.playing ? '⏸ Pause' : '▶ Play';
  btnPlay.toggleAttribute('disabled', model.samples.length < 2);
  if (!sel) {
    inspector.hidden = true;
    return;
  }
  slider.max = sliderB.max = String(model.samples.length - 1);
  slider.value = String(sel.index);
  if (selB) sliderB.value = String(selB.index);
  const of = run ? ` of ${run.totalSteps}` : '';
  const following = model.follow ? '  ·  following newest' : model.view.playing ? '  ·  playing' : '';
  caption.textContent = `step ${sel.sample.step}${of}  ·  grid ${sel.index + 1} / ${model.samples.length}${following}`;
  captionB.textContent = selB ? `step ${selB.sample.step}` : '';

  const a = gridOf(sel.sample);
  const b = selB && gridOf(selB.sample);
  geometryA = a?.g;
  if (!a) {
    inspector.hidden = true;
    return;
  }
  const count = a.g.count;
  shownInput.max = String(count);
  shownInput.value = String(model.view.shown ?? count);
  shownOf.textContent = `of ${count} (train.sampleCount in the config sets how many each grid holds, up to 64)`;
  const lanes: Lane[] = [
    { label: a.g.source?.kind === 'held-out' ? 'source x (held out)' : 'source x', image: 'A', geometry: a.g, row: 0 },
    { label: `G(x) · step ${sel.sample.step}`, image: 'A', geometry: a.g, row: 1 },
  ];
  if (b && selB) {
    if (!sameSourceRow(a.g, b.g)) lanes.push({ label: `source · step ${selB.sample.step}`, image: 'B', geometry: b.g, row: 0 });
    if (b.g.tileWidth === a.g.tileWidth && b.g.tileHeight === a.g.tileHeight)
      lanes.push({ label: `G(x) · step ${selB.sample.step}`, image: 'B', geometry: b.g, row: 1 });
  }
  const width = Math.max(100, scroller.clientWidth - 120);
  const shown = model.view.shown ?? count;
  lastColumns = columnsFor(a.g, width);
  const layout = layoutLanes(lanes, shown, lastColumns)!;
  currentFit = fitScale(layout, width);
  const scale = model.view.zoom === 'fit' ? currentFit : model.view.zoom;
  zoomLabel.textContent = model.view.zoom === 'fit' ? `fit · ${currentFit.toFixed(1)}×` : `${scale}×`;
  const drawn = new Map<string, HTMLImageElement>([['A', a.img]]);
  if (b) drawn.set('B', b.img);
  const tile = inspectedTile(model);
  grid.draw(
    layout,
    drawn,
    scale,
    lanes.map((l) => l.label),
    tile,
  );
  renderInspector(tile, a, lanes, drawn);
}

function renderInspector(tile: number | undefined, a: { g: GridGeometry }, lanes: Lane[], drawn: Map<string, HTMLImageElement>): void {
  inspector.hidden = tile === undefined || tile >= a.g.count;
  if (tile === undefined || inspector.hidden) return;
  inspectorTitle.textContent = tileCaption(a.g, tile);
  const size = Math.max(160, Math.min(256, Math.floor((inspector.clientWidth - 40) / lanes.length) || 192));
  inspectorTiles.replaceChildren(
    ...lanes.map((lane) => {
      const fig = el('figure', { class: 'tile-figure' });
      fig.append(tileCanvas(drawn.get(lane.image)!, tileRect(lane.geometry, tile, lane.row), size), el('figcaption', {}, lane.label));
      return fig;
    }),
  );
  // The filmstrip: this tile's translation at up to FILMSTRIP_MAX steps; a frame click shows that step.
  const frames = filmstripSteps(model.samples, FILMSTRIP_MAX).map((s) => {
    const frame = el('button', {
      class: `film-frame${s.step === model.selectedStep ? ' current' : ''}`,
      type: 'button',
      title: `Show step ${s.step}`,
    });
    const g = gridOf(s);
    if (g && tile < g.g.count) frame.append(tileCanvas(g.img, tileRect(g.g, tile, 1), 64));
    else frame.append(el('span', { class: 'film-missing' }, '…'));
    frame.append(el('span', { class: 'film-step' }, String(s.step)));
    frame.addEventListener('click', () =>
      update(
        selectIndex(
          model,
          model.samples.findIndex((x) => x.step === s.step),
        ),
      ),
    );
    return frame;
  });
  filmstrip.replaceChildren(...frames);
}

render();
bridge.post({ type: 'ready' });
