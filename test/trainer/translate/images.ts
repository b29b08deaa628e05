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

export interface BmpOptions {
  /** 8: a palette of the image's colours; 32 with `alpha`: a BITMAPV4HEADER with an alpha mask, else BI_RGB. */
  bits?: 8 | 24 | 32;
  /** Rows stored top row first (negative height). */
  topDown?: boolean;
  /** Alpha of every pixel (32 bits only). */
  alpha?: number;
  /** Bytes left empty between the headers and the pixels (the pixel offset says where they start). */
  gap?: number;
}

/** A BMP of RGB `raw` (w x h), by a minimal writer: 24-bit bottom-up unless told otherwise. */
export function bmp(raw: Buffer, w: number, h: number, opts: BmpOptions = {}): Buffer {
  const { bits = 24, topDown = false, alpha, gap = 0 } = opts;
  const v4 = bits === 32 && alpha !== undefined;
  const headerSize = v4 ? 108 : 40;
  const colours: number[] = [];
  if (bits === 8) for (let p = 0; p < w * h; p++) if (!colours.includes(raw.readUIntBE(p * 3, 3))) colours.push(raw.readUIntBE(p * 3, 3));
  const paletteBytes = colours.length * 4;
  const offset = 14 + headerSize + paletteBytes + gap;
  const row = Math.ceil((w * bits) / 32) * 4;
  const b = Buffer.alloc(offset + row * h);
  b.write('BM');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(offset, 10);
  b.writeUInt32LE(headerSize, 14);
  b.writeInt32LE(w, 18);
  b.writeInt32LE(topDown ? -h : h, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(bits, 28);
  b.writeUInt32LE(v4 ? 3 : 0, 30);
  b.writeUInt32LE(row * h, 34);
  b.writeUInt32LE(colours.length, 46);
  if (v4) {
    [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000].forEach((m, i) => b.writeUInt32LE(m, 54 + 4 * i));
    b.write('BGRs', 70, 'latin1'); // LCS_sRGB, stored little-endian
  }
  colours.forEach((c, i) => b.writeUInt32LE(c, 14 + headerSize + 4 * i)); // 0x00RRGGBB: B, G, R, 0 in the file
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const o = offset + (topDown ? y : h - 1 - y) * row + (x * bits) / 8;
      if (bits === 8) b[o] = colours.indexOf(raw.readUIntBE(s, 3));
      else [b[o], b[o + 1], b[o + 2]] = [raw[s + 2], raw[s + 1], raw[s]];
      if (bits === 32) b[o + 3] = alpha ?? 0;
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
