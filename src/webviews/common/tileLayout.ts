/**
 * Where the tiles of sample grids go on a panel's canvas, free of the DOM. A grid PNG is one row of
 * sources above one row of translations; a panel shows "lanes" (rows taken from one or more grids:
 * the sources, G(x) at step A, at step B, of another run) tile by tile, wrapped into blocks of at
 * most `columns` tiles so that 64 tiles do not shrink to specks.
 */
import { tileRect, type GridGeometry } from '../../shared/sampleIndex';

export interface Lane {
  label: string;
  /** Which loaded grid the lane comes from (a key the view maps to its image). */
  image: string;
  geometry: GridGeometry;
  row: 0 | 1;
}

export interface Placement {
  image: string;
  tile: number;
  lane: number;
  /** Rectangle in the grid PNG. */
  sx: number;
  sy: number;
  /** Position on the canvas, unscaled (pixels of the PNG). */
  dx: number;
  dy: number;
  width: number;
  height: number;
}

export interface TileLayout {
  columns: number;
  blocks: number;
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
  placements: Placement[];
  /** Top of each lane of each block, for its label: [block][lane]. */
  laneTops: number[][];
}

/** Space between blocks, in PNG pixels: wider than the gaps between tiles, so blocks read apart. */
export const BLOCK_GAP = 8;

/** Lanes must share tile size; `shown` (<= the tile count) tiles from the left are laid out. */
export function layoutLanes(lanes: readonly Lane[], shown: number, maxColumns: number): TileLayout | undefined {
  const g = lanes[0]?.geometry;
  if (!g) return undefined;
  const n = Math.max(1, Math.min(shown, ...lanes.map((l) => l.geometry.count)));
  const columns = Math.max(1, Math.min(n, Math.floor(maxColumns)));
  const blocks = Math.ceil(n / columns);
  const { pad, tileWidth: w, tileHeight: h } = g;
  const blockHeight = pad + lanes.length * (h + pad);
  const placements: Placement[] = [];
  const laneTops: number[][] = [];
  for (let b = 0; b < blocks; b++) {
    const top = b * (blockHeight + BLOCK_GAP);
    laneTops.push(lanes.map((_, l) => top + pad + l * (h + pad)));
    for (let c = 0; c < columns; c++) {
      const tile = b * columns + c;
      if (tile >= n) break;
      lanes.forEach((lane, l) => {
        const src = tileRect(lane.geometry, tile, lane.row);
        placements.push({
          image: lane.image,
          tile,
          lane: l,
          sx: src.x,
          sy: src.y,
          dx: pad + c * (w + pad),
          dy: laneTops[b][l],
          width: w,
          height: h,
        });
      });
    }
  }
  return {
    columns,
    blocks,
    width: pad + columns * (w + pad),
    height: blocks * blockHeight + (blocks - 1) * BLOCK_GAP,
    tileWidth: w,
    tileHeight: h,
    placements,
    laneTops,
  };
}

/** The tile (and lane) under a point of the unscaled canvas, if any. */
export function hitTile(layout: TileLayout, x: number, y: number): { tile: number; lane: number } | undefined {
  const p = layout.placements.find((q) => x >= q.dx && x < q.dx + q.width && y >= q.dy && y < q.dy + q.height);
  return p && { tile: p.tile, lane: p.lane };
}

/** The scale that fits `layout` into `width` CSS pixels (never below 1/4, where tiles are specks anyway). */
export function fitScale(layout: Pick<TileLayout, 'width'>, width: number): number {
  return Math.max(0.25, width / layout.width);
}

/** Columns that keep tiles at least `minScale` times their size in `width` CSS pixels (at most 16, at least 1). */
export function columnsFor(g: Pick<GridGeometry, 'tileWidth' | 'pad'>, width: number, minScale = 2): number {
  return Math.max(1, Math.min(16, Math.floor((width / minScale - g.pad) / (g.tileWidth + g.pad))));
}

/** "tile 4 of 8 · held-out image #3 · label 3", or what is known without an index. */
export function tileCaption(g: GridGeometry, tile: number): string {
  const head = `tile ${tile + 1} of ${g.count}`;
  const t = g.tiles?.[tile];
  if (!t || !g.source) return `${head} · no tile names (a grid written before samples/index.json)`;
  const set = g.source.kind === 'held-out' ? 'held-out image' : 'training image';
  return `${head} · ${set} #${t.index}${t.label === undefined ? '' : ` · label ${t.label}`}`;
}
