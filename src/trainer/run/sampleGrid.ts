/** The sample grid: source images in the top row, their translations G(x) below, as a PNG. */
import { PNG } from 'pngjs';
import { SAMPLE_GRID_PAD } from '../../shared/sampleIndex';

const PAD = SAMPLE_GRID_PAD;

export interface GridRow {
  /** NHWC in [-1, 1]. */
  pixels: Float32Array;
  channels: number;
}

/** Lays `rows` of `count` HxW images on a dark background, greyscale rows shown as grey. */
export function encodeGrid(rows: GridRow[], count: number, height: number, width: number): Buffer {
  const png = new PNG({ width: PAD + count * (width + PAD), height: PAD + rows.length * (height + PAD) });
  png.data.fill(0);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  rows.forEach((row, r) => {
    for (let n = 0; n < count; n++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const src = ((n * height + y) * width + x) * row.channels;
          const dst = ((PAD + r * (height + PAD) + y) * png.width + PAD + n * (width + PAD) + x) * 4;
          for (let c = 0; c < 3; c++) {
            const v = row.pixels[src + (row.channels === 1 ? 0 : c)];
            png.data[dst + c] = Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
          }
        }
      }
    }
  });
  return PNG.sync.write(png);
}
