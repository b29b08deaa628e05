/** Writes G(x) as a PNG: [-1, 1] back to 0-255, plus an optional nearest-neighbour enlargement. */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import sharp from 'sharp';
import type { ImageShape } from '../data/imageDecode';

export function toBytes(pixels: Float32Array): Buffer {
  const out = Buffer.alloc(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = Math.min(255, Math.max(0, Math.round((pixels[i] + 1) * 127.5)));
  return out;
}

export async function encodePng(pixels: Float32Array, shape: ImageShape, scale = 1): Promise<Buffer> {
  const { size, channels } = shape;
  let img = sharp(toBytes(pixels), { raw: { width: size, height: size, channels } });
  // Nearest neighbour: an enlargement that shows the model's pixels, not a smoothed guess.
  if (scale > 1) img = img.resize(size * scale, size * scale, { kernel: 'nearest' });
  // Without this, sharp writes one-channel input as RGB.
  if (channels === 1) img = img.toColourspace('b-w');
  return img.png().toBuffer();
}

/** Writes via a temporary name and a rename, so a reader never sees half a PNG. */
async function writeAtomic(file: string, bytes: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  await fs.writeFile(tmp, bytes);
  await fs.rename(tmp, file);
}

export async function writeTranslation(
  pixels: Float32Array,
  shape: ImageShape,
  output: string,
  scaled?: { file: string; scale: number },
): Promise<void> {
  await writeAtomic(output, await encodePng(pixels, shape));
  if (scaled) await writeAtomic(scaled.file, await encodePng(pixels, shape, scaled.scale));
}

/** The decoded input ([-1, 1], the source domain's shape): what G was given, for a side-by-side view. */
export async function writeModelInput(pixels: Float32Array, shape: ImageShape, file: string): Promise<void> {
  await writeAtomic(file, await encodePng(pixels, shape));
}
