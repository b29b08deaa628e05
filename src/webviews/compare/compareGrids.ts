/**
 * Compare with images: a step picker and each compared run's sample grid at that step, tile by tile
 * under one source row where the runs share their sources (the same held-out images), else each
 * run's own pair of rows; a tile clicked (or hovered) shows large for every run.
 */
import { gridGeometry, tileRect, type GridGeometry } from '../../shared/sampleIndex';
import { loadedImage } from '../common/imageCache';
import { LaneGrid, tileCanvas } from '../common/laneGrid';
import { columnsFor, fitScale, layoutLanes, tileCaption, type Lane } from '../common/tileLayout';
import { el } from '../common/vscodeApi';
import type { ComparedRun } from './compareModel';
import { gridsAtStep, sampleStepChoices, shownSampleStep, sourcesShared } from './compareSamples';

export class CompareGrids {
  readonly root = el('section', { class: 'samples-section', id: 'compare-samples' });
  private readonly slider = el('input', { id: 'sample-step', type: 'range', min: '0', max: '0', step: '1', 'aria-label': 'sample step' });
  private readonly stepLabel = el('span', { class: 'step-label', id: 'sample-step-label' });
  private readonly note = el('p', { class: 'hint', id: 'samples-note' });
  private readonly grids = el('div', { class: 'compare-grids', id: 'compare-grids' });
  private readonly inspector = el('div', { class: 'inspector', id: 'compare-inspector' });
  private readonly images = new Map<string, HTMLImageElement>();
  private runs: readonly ComparedRun[] = [];
  private wanted: number | undefined;
  private steps: number[] = [];
  private tile: number | undefined;
  private hover: number | undefined;
  private readonly laneGrids: LaneGrid[] = [];

  constructor(private readonly onStep: (step: number) => void) {
    const head = el('div', { class: 'table-head' });
    head.append(el('h2', {}, 'Samples at one step'));
    const row = el('div', { class: 'slider-row' });
    row.append(el('span', {}, 'Step'), this.slider, this.stepLabel);
    this.root.append(head, row, this.note, this.grids, this.inspector);
    this.slider.addEventListener('input', () => {
      const step = this.steps[Number(this.slider.value)];
      if (step !== undefined) this.onStep(step);
    });
    new ResizeObserver(() => this.draw()).observe(this.root);
  }

  update(runs: readonly ComparedRun[], hidden: readonly string[], wanted: number | undefined): void {
    this.runs = runs.filter((r) => !hidden.includes(r.run.runDir));
    this.wanted = wanted;
    this.draw();
  }

  private draw(): void {
    const choices = sampleStepChoices(this.runs);
    this.steps = choices.steps;
    const step = shownSampleStep(choices, this.wanted);
    this.root.hidden = step === undefined;
    if (step === undefined) return;
    this.slider.max = String(this.steps.length - 1);
    this.slider.value = String(this.steps.indexOf(step));
    this.stepLabel.textContent = `step ${step}`;
    const at = gridsAtStep(this.runs, step);
    const missing = at.filter((g) => !g.sample).map((g) => g.run.label);
    const near = at.filter((g) => g.sample && !g.exact).map((g) => `${g.run.label} (step ${g.sample!.step})`);
    const shared = sourcesShared(at);
    this.note.textContent = [
      choices.common ? 'Steps every run has a grid at.' : 'No step has a grid in every run: the nearest grid of each run shows.',
      shared
        ? 'Same held-out sources in every run: one source row, a G(x) row per run.'
        : 'Sources differ (or are not recorded): each run shows its own.',
      near.length ? `Nearest grid: ${near.join(', ')}.` : '',
      missing.length ? `No grids: ${missing.join(', ')}.` : '',
    ]
      .filter(Boolean)
      .join(' ');
    // Loaded grids, grouped by tile shape: runs of different architectures cannot share tile columns.
    const loaded = at.flatMap((g) => {
      const img = g.sample && loadedImage(g.sample.uri, () => this.draw(), this.images);
      const geo = img && gridGeometry(img.naturalWidth, img.naturalHeight, g.run.sampleIndex, g.sample!.step);
      return img && geo ? [{ ...g, img, geo }] : [];
    });
    const groups = new Map<string, typeof loaded>();
    for (const g of loaded) {
      const key = `${g.geo.count}x${g.geo.tileWidth}x${g.geo.tileHeight}`;
      groups.set(key, [...(groups.get(key) ?? []), g]);
    }
    const width = Math.max(100, this.root.clientWidth - 120);
    const tile = this.hover ?? this.tile;
    const views: { lanes: Lane[]; images: Map<string, HTMLImageElement> }[] = [];
    this.grids.replaceChildren(
      ...[...groups.values()].map((group, gi) => {
        const lanes: Lane[] = [];
        const images = new Map<string, HTMLImageElement>();
        group.forEach((g, i) => {
          const key = `${gi}:${i}`;
          images.set(key, g.img);
          const label = g.exact ? g.run.label : `${g.run.label} · step ${g.sample!.step}`;
          if (!shared || i === 0)
            lanes.push({ label: shared ? 'source x' : `${g.run.label}: source`, image: key, geometry: g.geo, row: 0 });
          lanes.push({ label, image: key, geometry: g.geo, row: 1 });
        });
        views.push({ lanes, images });
        // Kept across redraws: the canvas under the pointer stays the same element.
        const view = (this.laneGrids[gi] ??= new LaneGrid(`compare-grid-${gi}`, {
          hover: (t) => this.setTile(this.tile, t),
          click: (t) => this.setTile(t === this.tile ? undefined : t, this.hover),
        }));
        const layout = layoutLanes(lanes, group[0].geo.count, columnsFor(group[0].geo, width))!;
        view.draw(
          layout,
          images,
          fitScale(layout, width),
          lanes.map((l) => l.label),
          tile,
        );
        return view.root;
      }),
    );
    this.drawInspector(tile, views);
  }

  private setTile(tile: number | undefined, hover: number | undefined): void {
    if (tile === this.tile && hover === this.hover) return;
    this.tile = tile;
    this.hover = hover;
    this.draw();
  }

  private drawInspector(tile: number | undefined, views: { lanes: Lane[]; images: Map<string, HTMLImageElement> }[]): void {
    const first = views[0]?.lanes[0]?.geometry;
    this.inspector.hidden = tile === undefined || !first || tile >= first.count;
    if (this.inspector.hidden || tile === undefined || !first) return;
    const figures = views.flatMap(({ lanes, images }) =>
      lanes
        .filter((l) => tile < l.geometry.count)
        .map((l) => {
          const fig = el('figure', { class: 'tile-figure' });
          fig.append(
            tileCanvas(images.get(l.image)!, tileRect(l.geometry as GridGeometry, tile, l.row), 160),
            el('figcaption', {}, l.label),
          );
          return fig;
        }),
    );
    const tiles = el('div', { class: 'inspector-tiles' });
    tiles.append(...figures);
    this.inspector.replaceChildren(el('h3', { id: 'compare-inspector-title' }, tileCaption(first, tile)), tiles);
  }
}
