/**
 * The source domain that ships: street-number style digit crops (like SVHN's 32x32 "cropped
 * digits"), drawn as SVG from the fonts' digit outlines (digitGlyphs.ts) and rasterised by sharp.
 * Labelled by the centre digit; neighbours are distractors.
 */
import { digitFontList, type DigitFont } from './digitGlyphs';
import { digitScene } from './digitScene';
import { ImageSet } from './imageSet';
import { Rng } from './rng';
import { rasteriseSheet, type SheetLayout } from './svgSheet';

export interface SyntheticDigitOptions {
  count: number;
  seed: number;
  /** Side of the square RGB images. */
  size?: number;
  /** Draw in the hand-lettered faces too, not only the printed ones. */
  handLettered?: boolean;
}

/**
 * Images per sharp call. Image i always sits in cell i % SHEET of sheet floor(i / SHEET). Not more:
 * librsvg's filters (the blur) cost in proportion to the whole sheet's area, so 16x16 sheets took up
 * to 10x the CPU of 8x8 ones, and 32x32 sheets 50x.
 */
const COLUMNS = 8;
const ROWS = 8;
const SHEET = COLUMNS * ROWS;
/** Sheets rasterised at once: sharp renders on its own threads while JS writes the next sheet. */
const SHEETS_IN_FLIGHT = 2;

/** Names of the faces digits are drawn in. */
export function digitFonts(handLettered = false): string[] {
  return digitFontList(handLettered).map((f) => f.name);
}

/** A fresh stream per (seed, index), so image i does not depend on count or on other images. */
function streamSeed(seed: number, index: number, salt: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + salt, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Balanced classes: each block of 10 is a seeded permutation of 0..9. */
function labelOf(seed: number, i: number, blocks: Map<number, number[]>): number {
  const b = Math.floor(i / 10);
  let block = blocks.get(b);
  if (!block) blocks.set(b, (block = new Rng(streamSeed(seed, b, 0x51ed)).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])));
  return block[i % 10];
}

/** Renders images [start, end) into `images`/`labels`. */
async function renderSheet(
  start: number,
  end: number,
  seed: number,
  size: number,
  fonts: readonly DigitFont[],
  images: Float32Array,
  labels: Int32Array,
): Promise<void> {
  const blocks = new Map<number, number[]>();
  const rngs: Rng[] = [];
  const scenes: string[] = [];
  const used = new Set<string>();
  for (let i = start; i < end; i++) {
    const label = labelOf(seed, i, blocks);
    labels[i] = label;
    const rng = new Rng(streamSeed(seed, i, 0));
    const scene = digitScene(size, label, rng, fonts, `i${i - start}`);
    for (const g of scene.glyphs) used.add(g);
    scenes.push(scene.svg);
    rngs.push(rng); // the pixel pass continues this image's stream
  }
  const defs = [...used]
    .map((id) => {
      const [f, d] = id.slice(1).split('_').map(Number);
      return `<path id="${id}" d="${fonts[f].paths[d]}"/>`;
    })
    .join('');
  const layout: SheetLayout = { cell: size, columns: COLUMNS, rows: ROWS };
  const cells = await rasteriseSheet(scenes, defs, layout);
  const plane = size * size;
  for (let k = 0; k < cells.length; k++) {
    const rgba = cells[k];
    const rng = rngs[k];
    // Sensor noise and exposure jitter, applied in the pixel pass.
    const noise = rng.next() < 0.7 ? rng.range(1, 12) : 0;
    const gain = rng.range(0.85, 1.1);
    const offset = rng.range(-15, 15);
    const out = (start + k) * plane * 3;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        let v = rgba[4 * p + c] * gain + offset;
        if (noise) v += noise * rng.normal();
        v = v < 0 ? 0 : v > 255 ? 255 : v;
        images[out + 3 * p + c] = v / 127.5 - 1;
      }
    }
  }
}

/** Renders `count` labelled RGB digits; the same (seed, index) always gives the same bytes. */
export async function renderSyntheticDigits(opts: SyntheticDigitOptions): Promise<ImageSet> {
  const { count, seed } = opts;
  const size = opts.size ?? 32;
  const fonts = digitFontList(opts.handLettered);
  const images = new Float32Array(count * size * size * 3);
  const labels = new Int32Array(count);
  let next = 0;
  const lane = async () => {
    for (let start = next; start < count; start = next) {
      next += SHEET;
      await renderSheet(start, Math.min(count, start + SHEET), seed, size, fonts, images, labels);
    }
  };
  await Promise.all(Array.from({ length: SHEETS_IN_FLIGHT }, lane));
  return {
    images,
    labels,
    count,
    height: size,
    width: size,
    channels: 3,
    origin: `synthetic digits (seed ${seed}${opts.handLettered ? ', hand-lettered faces too' : ''})`,
  };
}
