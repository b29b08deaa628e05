/**
 * Cuts a face out of a photo with sharp: the photo -> crop similarity of alignment.ts becomes an
 * extract (the part of the photo the crop sees), a resize (when shrinking, so every photo pixel
 * counts: an affine map alone samples and would alias), and an affine warp; what falls outside
 * the photo is black.
 */
import sharp from 'sharp';
import type { RgbImage } from '../imageDecode';
import { apply, invert, scaleOf, type Similarity } from './alignment';

/** Photo pixels beyond the crop's edges that the interpolator may read. */
const MARGIN = 4;

interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The photo's pixels (whole ones, inside the photo) that `t` maps into the size x size crop. */
function preimage(t: Similarity, size: number, width: number, height: number): Rect | undefined {
  const inv = invert(t);
  const corners = [
    [-MARGIN, -MARGIN],
    [size + MARGIN, -MARGIN],
    [-MARGIN, size + MARGIN],
    [size + MARGIN, size + MARGIN],
  ].map(([x, y]) => apply(inv, { x, y }));
  const left = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.x))));
  const top = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.y))));
  const right = Math.min(width, Math.ceil(Math.max(...corners.map((p) => p.x))));
  const bottom = Math.min(height, Math.ceil(Math.max(...corners.map((p) => p.y))));
  return right > left && bottom > top ? { left, top, width: right - left, height: bottom - top } : undefined;
}

/**
 * Where libvips' affine puts its output: the bounding box of the transformed input rectangle,
 * from the matrix alone (the offsets move the content, not the box), with its corner rounded to
 * whole pixels. Pinned by a test, since sharp does not let us pass the output area.
 */
export function affineOrigin(m: readonly [number, number, number, number], width: number, height: number): { x: number; y: number } {
  const xs = [0, m[0] * width, m[1] * height, m[0] * width + m[1] * height];
  const ys = [0, m[2] * width, m[3] * height, m[2] * width + m[3] * height];
  return { x: Math.round(Math.min(...xs)), y: Math.round(Math.min(...ys)) };
}

const RAW = (width: number, height: number) => ({ raw: { width, height, channels: 3 as const } });
const BLACK = { r: 0, g: 0, b: 0 };

/**
 * The size x size crop that `t` (photo pixels -> crop pixels, continuous coordinates: pixel i
 * spans [i, i + 1)) makes of `photo`, as RGB bytes.
 */
export async function warpCrop(photo: RgbImage, t: Similarity, size: number): Promise<Buffer> {
  const black = () => Buffer.alloc(size * size * 3);
  const region = preimage(t, size, photo.width, photo.height);
  if (!region) return black();

  // Shrink the region first when the crop is smaller than the face; the affine then only turns.
  const k = Math.min(1, scaleOf(t));
  const w = Math.max(1, Math.round(region.width * k));
  const h = Math.max(1, Math.round(region.height * k));
  const kx = w / region.width;
  const ky = h / region.height;
  // Resized region -> crop: q = (p - corner) * k, so p = q / k + corner.
  const m = [t.a / kx, -t.b / ky, t.b / kx, t.a / ky] as const;
  const corner = apply(t, { x: region.left, y: region.top });
  // libvips maps pixel indices (centres at integers): move the half pixel into the offset.
  const ox = corner.x + 0.5 * (m[0] + m[1]) - 0.5;
  const oy = corner.y + 0.5 * (m[2] + m[3]) - 0.5;
  // The whole-pixel part of the offset becomes the window we cut; the rest is the affine's.
  const shiftX = Math.round(ox);
  const shiftY = Math.round(oy);

  let image = sharp(photo.data, RAW(photo.width, photo.height)).extract(region);
  if (w !== region.width || h !== region.height) image = image.resize(w, h, { fit: 'fill', kernel: 'lanczos3' });
  const warped = await image
    .affine(
      [
        [m[0], m[1]],
        [m[2], m[3]],
      ],
      { odx: ox - shiftX, ody: oy - shiftY, interpolator: 'bicubic', background: BLACK },
    )
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });

  // Crop pixel (0, 0) is output pixel (-shift - origin).
  const origin = affineOrigin(m, w, h);
  const left = -shiftX - origin.x;
  const top = -shiftY - origin.y;
  const { width: ww, height: wh } = warped.info;
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(ww, left + size);
  const y1 = Math.min(wh, top + size);
  if (x1 <= x0 || y1 <= y0) return black();
  const { data, info } = await sharp(warped.data, RAW(ww, wh))
    .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
    .extend({ left: x0 - left, top: y0 - top, right: left + size - x1, bottom: top + size - y1, background: BLACK })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size || info.channels !== 3) {
    throw new Error(`warp returned ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x3`);
  }
  return data;
}
