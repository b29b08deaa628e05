/**
 * A canvas of sample tiles laid out by tileLayout.ts, drawn at the grid's own pixels and scaled by
 * CSS with `image-rendering: pixelated` (crisp, never blurred), with a label per lane, the
 * inspected tile outlined, and hover / click reported by tile.
 */
import { el } from './vscodeApi';
import { hitTile, type TileLayout } from './tileLayout';

export class LaneGrid {
  readonly root = el('div', { class: 'lane-grid' });
  private readonly labels = el('div', { class: 'lane-labels', 'aria-hidden': 'true' });
  private readonly stage = el('div', { class: 'lane-stage' });
  readonly canvas = el('canvas', { class: 'lane-canvas', tabindex: '0' });
  private readonly outline = el('div', { class: 'tile-outline', 'aria-hidden': 'true' });
  private layout: TileLayout | undefined;
  private scale = 1;

  constructor(
    id: string,
    private readonly on: { hover(tile: number | undefined): void; click(tile: number | undefined): void },
  ) {
    this.canvas.id = id;
    this.stage.append(this.canvas, this.outline);
    this.root.append(this.labels, this.stage);
    this.canvas.addEventListener('mousemove', (e) => this.on.hover(this.tileAt(e)));
    this.canvas.addEventListener('mouseleave', () => this.on.hover(undefined));
    this.canvas.addEventListener('click', (e) => this.on.click(this.tileAt(e)));
  }

  private tileAt(e: MouseEvent): number | undefined {
    if (!this.layout) return undefined;
    const r = this.canvas.getBoundingClientRect();
    return hitTile(this.layout, (e.clientX - r.left) / this.scale, (e.clientY - r.top) / this.scale)?.tile;
  }

  /** Draws `layout` from `images` (by key) at `scale`; `outlined` marks a tile across all its lanes. */
  draw(
    layout: TileLayout,
    images: ReadonlyMap<string, CanvasImageSource>,
    scale: number,
    laneLabels: readonly string[],
    outlined?: number,
  ): void {
    this.layout = layout;
    this.scale = scale;
    const c = this.canvas;
    if (c.width !== layout.width || c.height !== layout.height) {
      c.width = layout.width;
      c.height = layout.height;
    }
    c.style.width = `${layout.width * scale}px`;
    c.style.height = `${layout.height * scale}px`;
    const ctx = c.getContext('2d')!;
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, c.width, c.height);
    for (const p of layout.placements) {
      const img = images.get(p.image);
      if (img) ctx.drawImage(img, p.sx, p.sy, p.width, p.height, p.dx, p.dy, p.width, p.height);
    }
    this.labels.replaceChildren(
      ...layout.laneTops.flatMap((tops) =>
        tops.map((top, lane) => {
          const label = el('span', { class: 'lane-label' }, laneLabels[lane] ?? '');
          label.style.top = `${top * scale}px`;
          label.style.height = `${layout.tileHeight * scale}px`;
          return label;
        }),
      ),
    );
    this.labels.style.height = `${layout.height * scale}px`;
    const first = layout.placements.find((p) => p.tile === outlined);
    const last = [...layout.placements].reverse().find((p) => p.tile === outlined);
    this.outline.hidden = !first;
    if (first && last) {
      const pad = 1;
      Object.assign(this.outline.style, {
        left: `${(first.dx - pad) * scale}px`,
        top: `${(first.dy - pad) * scale}px`,
        width: `${(first.width + 2 * pad) * scale}px`,
        height: `${(last.dy + last.height - first.dy + 2 * pad) * scale}px`,
      });
    }
  }
}

/** One tile of a grid image, large: a canvas at the tile's pixels, scaled crisply by CSS. */
export function tileCanvas(
  img: CanvasImageSource,
  rect: { x: number; y: number; width: number; height: number },
  cssSize: number,
): HTMLCanvasElement {
  const c = el('canvas', { class: 'tile-large' });
  c.width = rect.width;
  c.height = rect.height;
  const ctx = c.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(img, rect.x, rect.y, rect.width, rect.height, 0, 0, rect.width, rect.height);
  c.style.width = `${cssSize}px`;
  c.style.height = `${(cssSize * rect.height) / rect.width}px`;
  return c;
}
