/**
 * One image file -> the model's input: size x size, 1 or 3 channels, values in [-1, 1]. The only
 * image-file reader of the trainer: training (data/imageFolder) and `dtn translate` both come
 * here, so a translated image is prepared exactly as f saw its training images.
 *
 * sharp (libvips) decodes PNG (8/16 bit, grey, RGB(A), palette), JPEG (RGB, CMYK), WebP, GIF (first
 * frame) and TIFF, applies EXIF orientation and resizes with a proper kernel before any float
 * conversion, so a 4000x3000 photo never exists as floats at full size. BMP: see bmpDecode.
 */
import * as fs from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { convertChannels } from './conform';
import { DataError } from './imageSet';
import { decodeBmp, isBmp } from './bmpDecode';

export interface ImageShape {
  size: number;
  channels: 1 | 3;
}

const FIX = 'Re-export it as PNG, JPEG, WebP, GIF or BMP, or remove it';

// libvips' operation cache keys on the input: off, so a long-lived `dtn serve` never answers from stale state.
sharp.cache(false);

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not an image file' : (e as Error).message;
    throw new DataError(why, file, 'Check the path');
  }
}

/** The file's bytes as a sharp pipeline: BMP through bmpDecode, everything else oriented by its EXIF tag. */
function openImage(bytes: Buffer): Sharp {
  const input = isBmp(bytes) ? decodeBmp(bytes) : undefined;
  return input
    ? sharp(input.data, { raw: { width: input.width, height: input.height, channels: 4 } })
    : // failOn 'error': corrupt or truncated data is refused rather than decoded into garbage;
      // benign warnings (an odd ICC profile) are not.
      sharp(bytes, { failOn: 'error', pages: 1, autoOrient: true });
}

/** RGB bytes at size x size: oriented, resized, composited over black. */
async function rgbAtSize(bytes: Buffer, size: number): Promise<Buffer> {
  const { data, info } = await openImage(bytes)
    // Aspect ratio is not kept (as before). The linear kernel widens with the shrink factor, so
    // every source pixel counts when downscaling; it does not ring on high-contrast strokes.
    .resize(size, size, { fit: 'fill', kernel: 'linear' })
    // Transparent pixels become black: dark backgrounds, as in MNIST.
    .flatten({ background: '#000000' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size || info.channels !== 3) {
    throw new Error(`decoder returned ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x3`);
  }
  return data;
}

/** Decodes `file` (by content, not extension) into shape.size² x shape.channels floats in [-1, 1]. */
export async function decodeImage(file: string, shape: ImageShape): Promise<Float32Array> {
  const bytes = await readBytes(file);
  let rgb: Buffer;
  try {
    rgb = await rgbAtSize(bytes, shape.size);
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new DataError(`not a readable image (${why})`, file, FIX);
  }
  const px = new Float32Array(rgb.length);
  for (let k = 0; k < rgb.length; k++) px[k] = rgb[k] / 127.5 - 1;
  // The same luma as every other loader (conform.ts), so grey inputs match across data kinds.
  return convertChannels(px, shape.size * shape.size, 3, shape.channels);
}

/**
 * Decodes `files` in order, a few at a time (sharp works on its own thread pool). With badFiles
 * 'fail' the first file that fails rejects with its DataError; with 'skip' its place holds the
 * DataError, for the caller to report (never a silently shorter set).
 */
export async function decodeImages(files: readonly string[], shape: ImageShape, opts: { badFiles: 'fail' }): Promise<Float32Array[]>;
export async function decodeImages(
  files: readonly string[],
  shape: ImageShape,
  opts: { badFiles: 'skip' | 'fail' },
): Promise<(Float32Array | DataError)[]>;
export async function decodeImages(
  files: readonly string[],
  shape: ImageShape,
  opts: { badFiles: 'skip' | 'fail' },
): Promise<(Float32Array | DataError)[]> {
  const lanes = 4;
  const out = new Array<Float32Array | DataError>(files.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < files.length; i = next++) {
      try {
        out[i] = await decodeImage(files[i], shape);
      } catch (e) {
        if (!(e instanceof DataError)) throw e;
        out[i] = e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, files.length) }, lane));
  // The first bad file in input order, whichever lane met it first.
  const firstBad = opts.badFiles === 'fail' ? out.find((r) => r instanceof DataError) : undefined;
  if (firstBad) throw firstBad;
  return out;
}

/** A whole image as 8-bit RGB, row-major, width x height x 3. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Decodes image bytes at full size, oriented and composited over black, for code that crops and
 * warps a photo itself (the face pipeline). Throws a DataError naming `file` when they do not decode.
 */
export async function decodeRgb(bytes: Buffer, file: string): Promise<RgbImage> {
  try {
    const { data, info } = await openImage(bytes)
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (e) {
    throw new DataError(`not a readable image (${(e as Error).message.split('\n')[0]})`, file, FIX);
  }
}
