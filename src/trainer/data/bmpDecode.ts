/**
 * BMP decoding. libvips (sharp's prebuilt build) has no BMP loader, so BMP files are decoded by
 * bmp-ts (1, 4, 8, 16, 24 and 32 bits per pixel, bit fields, bottom-up and top-down rows) and reach
 * sharp as raw RGBA pixels at their native size. RLE-compressed files are refused: bmp-ts 1.0
 * misplaces their pixels.
 */
import { decode } from 'bmp-ts';

/** "BM": the BMP file signature. */
export function isBmp(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** The header's file size and pixel offset, checked against the bytes, so a cut-off file is refused. */
function checkComplete(bytes: Buffer): void {
  if (bytes.length < 26) throw new Error('BMP header is incomplete');
  const declared = bytes.readUInt32LE(2);
  const pixelOffset = bytes.readUInt32LE(10);
  // Some writers put 0 in the size field; the pixel offset must still lie inside the file.
  if ((declared !== 0 && bytes.length < declared) || pixelOffset >= bytes.length) throw new Error('BMP file is truncated');
}

/**
 * Where the pixel rows start if they follow the headers, bit masks and palette directly, which is
 * where bmp-ts reads them (it does not seek to the file's pixel offset).
 */
function packedPixelStart(bytes: Buffer): number {
  const headerSize = bytes.readUInt32LE(14);
  if (headerSize < 40 || bytes.length < 14 + 40) return 14 + headerSize; // bmp-ts refuses these itself
  const bits = bytes.readUInt16LE(28);
  const compression = bytes.readUInt32LE(30);
  const colours = bytes.readUInt32LE(46);
  // A 40-byte header is followed by its masks (BI_BITFIELDS: 3, BI_ALPHABITFIELDS: 4); later headers hold them.
  const masks = headerSize === 40 ? (compression === 3 ? 12 : compression === 6 ? 16 : 0) : 0;
  const palette = bits <= 8 || colours > 0 ? (colours || 2 ** bits) * 4 : 0;
  return 14 + headerSize + masks + palette;
}

/** A BMP of more pixels than this is refused before bmp-ts allocates them (4 bytes each). */
const MAX_PIXELS = 2 ** 27;

/** The header's dimensions against the bytes there are: uncompressed rows must all be present. */
function checkSize(bytes: Buffer, pixelOffset: number): void {
  const width = bytes.readInt32LE(18);
  const height = Math.abs(bytes.readInt32LE(22));
  if (!(width > 0 && height > 0)) throw new Error('BMP has no pixels');
  if (width * height > MAX_PIXELS) throw new Error(`BMP is ${width}x${height}: too large`);
  const bits = bytes.readUInt16LE(28);
  const compression = bytes.readUInt32LE(30);
  if (compression === 1 || compression === 2) throw new Error('RLE-compressed BMP is not supported');
  const uncompressed = compression === 0 || compression === 3 || compression === 6;
  if (uncompressed && Math.ceil((width * bits) / 32) * 4 * height > bytes.length - pixelOffset) throw new Error('BMP file is truncated');
}

export function decodeBmp(bytes: Buffer): { data: Buffer; width: number; height: number } {
  checkComplete(bytes);
  const start = packedPixelStart(bytes);
  const pixelOffset = bytes.readUInt32LE(10);
  if (pixelOffset < start) throw new Error('BMP pixel offset lies inside its header');
  // Some writers leave a gap (alignment, a colour profile) before the pixels: close it.
  checkSize(bytes, pixelOffset);
  const packed = pixelOffset === start ? bytes : Buffer.concat([bytes.subarray(0, start), bytes.subarray(pixelOffset)]);
  let img: ReturnType<typeof decode>;
  try {
    // Its default ABGR layout: the one its every bit depth writes correctly (toRGBA misplaces palette pixels).
    img = decode(packed);
  } catch (e) {
    // bmp-ts reads past the end of a file whose rows are shorter than its header says.
    throw new Error(e instanceof RangeError ? 'BMP file is truncated' : `BMP is not readable: ${(e as Error).message}`, { cause: e });
  }
  const { width, height, data: abgr } = img;
  if (!(width > 0 && height > 0) || abgr.length !== width * height * 4) throw new Error('BMP has no pixels');
  // bmp-ts fills alpha from the file's alpha mask, and with 0 where there is none (24 bits, palettes,
  // 32-bit BI_RGB). All-zero alpha therefore means "no alpha": opaque, as browsers show such files.
  let anyAlpha = false;
  for (let i = 0; i < abgr.length && !anyAlpha; i += 4) anyAlpha = abgr[i] !== 0;
  const rgba = Buffer.alloc(abgr.length);
  for (let i = 0; i < abgr.length; i += 4) {
    rgba[i] = abgr[i + 3];
    rgba[i + 1] = abgr[i + 2];
    rgba[i + 2] = abgr[i + 1];
    rgba[i + 3] = anyAlpha ? abgr[i] : 255;
  }
  return { data: rgba, width, height };
}
