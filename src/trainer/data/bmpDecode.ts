/**
 * BMP decoding. libvips (sharp's prebuilt build) has no BMP loader, so BMP files go through Skia's
 * codec in @napi-rs/canvas (already a dependency, for the synthetic digits) and reach sharp as raw
 * RGBA pixels at their native size.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';

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

export async function decodeBmp(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  checkComplete(bytes);
  const img = await loadImage(bytes);
  const { width, height } = img;
  if (!(width > 0 && height > 0)) throw new Error('BMP has no pixels');
  const ctx = createCanvas(width, height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  return { data: Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), width, height };
}
