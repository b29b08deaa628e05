/**
 * samples/index.json: what the tiles of a run's sample grids are. The trainer writes it beside the
 * grids; panels read it to name each tile (which held-out source image, its label). Browser-safe: the
 * webviews lay out grids with `gridGeometry`, which also serves run folders written before the index
 * existed (the geometry is then inferred from the PNG's size, with no labels).
 */
import { z } from 'zod';

/** Pixels between tiles and around the grid (sampleGrid.ts draws with it). */
export const SAMPLE_GRID_PAD = 2;
/** Rows of a grid: the sources, then their translations G(x). */
export const SAMPLE_GRID_ROWS = 2;

const count = z.number().int().positive().max(4096);

export const SampleIndexSchema = z
  .object({
    kind: z.literal('dtn-sample-index'),
    version: z.literal(1),
    /** The first step whose grid this describes (a resume that changed the sources starts anew). */
    since: z.number().int().nonnegative(),
    /** One tile's size in the PNG (G's output size). */
    tile: z.object({ height: count, width: count }),
    pad: z.number().int().nonnegative().max(64),
    /** Tiles per row. */
    count,
    /**
     * Where the source row comes from: `held-out` (the images evaluation scores, never trained on) or
     * `training` (a fixed spread over the training set, where no held-out set exists, e.g. faces).
     */
    source: z.object({ kind: z.enum(['held-out', 'training']), origin: z.string() }),
    /** Per tile, left to right: its index in that set and its label when the set has labels. */
    tiles: z.array(z.object({ index: z.number().int().nonnegative(), label: z.string().optional() })),
  })
  .refine((v) => v.tiles.length === v.count, { message: 'tiles must list one entry per tile (count)' });
export type SampleIndex = z.infer<typeof SampleIndexSchema>;

export interface GridGeometry {
  count: number;
  tileHeight: number;
  tileWidth: number;
  pad: number;
  /** Per tile, when the run's index.json describes this grid. */
  tiles?: SampleIndex['tiles'];
  source?: SampleIndex['source'];
}

/** The PNG size a grid of this geometry has. */
export function gridPixelSize(g: Pick<GridGeometry, 'count' | 'tileHeight' | 'tileWidth' | 'pad'>): { width: number; height: number } {
  return { width: g.pad + g.count * (g.tileWidth + g.pad), height: g.pad + SAMPLE_GRID_ROWS * (g.tileHeight + g.pad) };
}

/**
 * The tiles of the grid PNG of `step`, `width` x `height`: from `index` when it describes a grid of
 * that size and step, else inferred (square tiles, the standard padding), else undefined (not a grid this code wrote).
 */
export function gridGeometry(width: number, height: number, index?: SampleIndex, step?: number): GridGeometry | undefined {
  if (index && (step === undefined || step >= index.since)) {
    const g = { count: index.count, tileHeight: index.tile.height, tileWidth: index.tile.width, pad: index.pad };
    const size = gridPixelSize(g);
    if (size.width === width && size.height === height) return { ...g, tiles: index.tiles, source: index.source };
  }
  const pad = SAMPLE_GRID_PAD;
  const tile = (height - pad * (SAMPLE_GRID_ROWS + 1)) / SAMPLE_GRID_ROWS;
  const n = (width - pad) / (tile + pad);
  if (!Number.isInteger(tile) || tile <= 0 || !Number.isInteger(n) || n <= 0) return undefined;
  return { count: n, tileHeight: tile, tileWidth: tile, pad };
}

/** Where tile `i` of row `row` (0 sources, 1 translations) lies in the PNG. */
export function tileRect(g: GridGeometry, i: number, row: 0 | 1): { x: number; y: number; width: number; height: number } {
  return { x: g.pad + i * (g.tileWidth + g.pad), y: g.pad + row * (g.tileHeight + g.pad), width: g.tileWidth, height: g.tileHeight };
}

/** Whether two indexes show the same source images (same set, same picks), so their grids line up tile by tile. */
export function sameSources(a: SampleIndex | undefined, b: SampleIndex | undefined): boolean {
  if (!a || !b) return false;
  return (
    a.source.kind === b.source.kind &&
    a.source.origin === b.source.origin &&
    a.count === b.count &&
    a.tiles.every((t, i) => t.index === b.tiles[i].index)
  );
}
