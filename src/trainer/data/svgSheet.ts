/**
 * Rasterises many small SVG scenes in one sharp (librsvg) call: each scene gets a cell of a grid,
 * clipped to it by a nested <svg> viewport, and the raw RGBA sheet is cut back into cells. One call
 * per few dozen cells instead of one per cell: pipeline set-up dominates at 32 px.
 */
import sharp from 'sharp';

export interface SheetLayout {
  /** Side of a square cell, px. */
  cell: number;
  columns: number;
  rows: number;
}

/**
 * RGBA bytes (cell x cell x 4) of each scene, in order. Scene k always lands in cell k of a sheet
 * of the full layout, whatever the number of scenes, so a scene's pixels never depend on how many
 * others share its sheet. `defs` is shared markup (e.g. glyphs) the scenes refer to by id.
 */
export async function rasteriseSheet(scenes: readonly string[], defs: string, layout: SheetLayout): Promise<Buffer[]> {
  const { cell, columns, rows } = layout;
  if (scenes.length > columns * rows) throw new Error(`${scenes.length} scenes do not fit a ${columns}x${rows} sheet`);
  const width = cell * columns;
  const height = cell * rows;
  const body = scenes
    .map((s, k) => `<svg x="${(k % columns) * cell}" y="${Math.floor(k / columns) * cell}" width="${cell}" height="${cell}">${s}</svg>`)
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}">` +
    `<defs>${defs}</defs>${body}</svg>`;
  // 72 dpi: one SVG unit is one pixel.
  const sheet = await sharp(Buffer.from(svg), { density: 72 }).ensureAlpha().raw().toBuffer();
  if (sheet.length !== width * height * 4) throw new Error(`SVG sheet rasterised to ${sheet.length} bytes, expected ${width * height * 4}`);
  const row = cell * 4;
  return scenes.map((_, k) => {
    const out = Buffer.alloc(cell * row);
    const x0 = (k % columns) * cell;
    const y0 = Math.floor(k / columns) * cell;
    for (let y = 0; y < cell; y++) sheet.copy(out, y * row, ((y0 + y) * width + x0) * 4, ((y0 + y) * width + x0) * 4 + row);
    return out;
  });
}
