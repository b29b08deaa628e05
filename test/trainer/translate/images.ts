/** Test images written by real encoders (sharp), and BMP by a minimal writer (nothing here encodes BMP). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';

/**
 * An asymmetric w x h RGB image: red on the left half, green on the top half, blue 60. Rotated or
 * flipped, the quadrants move, so orientation handling shows.
 */
export function quadrants(w: number, h: number): Buffer {
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) raw.set([x < w / 2 ? 255 : 0, y < h / 2 ? 255 : 0, 60], (y * w + x) * 3);
  }
  return raw;
}

const fromRaw = (raw: Buffer, w: number, h: number, channels: 1 | 3 | 4 = 3) => sharp(raw, { raw: { width: w, height: h, channels } });

/** 24-bit bottom-up BMP. */
export function bmp(raw: Buffer, w: number, h: number): Buffer {
  const row = Math.ceil((w * 3) / 4) * 4;
  const b = Buffer.alloc(54 + row * h);
  b.write('BM');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(w, 18);
  b.writeInt32LE(h, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(row * h, 34);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const o = 54 + (h - 1 - y) * row + x * 3;
      [b[o], b[o + 1], b[o + 2]] = [raw[s + 2], raw[s + 1], raw[s]];
    }
  }
  return b;
}

/** Every supported kind of file, each showing `quadrants(w, h)` (GIF: as its first frame). */
export async function formatSamples(w = 40, h = 20): Promise<Record<string, Buffer>> {
  const raw = quadrants(w, h);
  const base = () => fromRaw(raw, w, h);
  const blue = await sharp({ create: { width: w, height: h, channels: 3, background: '#0000ff' } })
    .png()
    .toBuffer();
  return {
    'rgb8.png': await base().png().toBuffer(),
    'rgb16.png': await base().toColourspace('rgb16').png().toBuffer(),
    'grey.png': await base().greyscale().png().toBuffer(),
    'grey16.png': await base().greyscale().toColourspace('grey16').png().toBuffer(),
    'palette.png': await base().png({ palette: true }).toBuffer(),
    'rgba.png': await base().ensureAlpha(1).png().toBuffer(),
    'rgb.jpg': await base().jpeg({ quality: 95 }).toBuffer(),
    'cmyk.jpg': await base().toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer(),
    'image.webp': await base().webp({ lossless: true }).toBuffer(),
    'animated.gif': await sharp([await base().png().toBuffer(), blue], { join: { animated: true } })
      .gif()
      .toBuffer(),
    'image.bmp': bmp(raw, w, h),
  };
}

export async function writeFormatSamples(dir: string, w?: number, h?: number): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const samples = await formatSamples(w, h);
  return Object.entries(samples).map(([name, bytes]) => {
    fs.writeFileSync(path.join(dir, name), bytes);
    return path.join(dir, name);
  });
}

/** The same quadrants stored sideways with EXIF orientation 6 (display = rotate 90° clockwise). */
export async function exifRotatedJpeg(w: number, h: number): Promise<Buffer> {
  // Stored pixels are the displayed image rotated back (counter-clockwise).
  const stored = await fromRaw(quadrants(w, h), w, h).rotate(-90).jpeg({ quality: 95 }).toBuffer();
  return sharp(stored).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
}
