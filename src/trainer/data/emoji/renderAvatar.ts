/**
 * One cartoon face: DiceBear writes the SVG, sharp (librsvg) rasterises it at the requested size
 * and flattens it onto white. Rendering at the final size, rather than larger and shrinking, lets
 * librsvg's coverage anti-aliasing do the filtering once.
 */
import { createAvatar } from '@dicebear/core';
import sharp from 'sharp';
import type { EmojiStyle } from '../../../shared/config';
import { EMOJI_STYLE_DEFS } from './emojiStyles';

/** Part of the cache key: bump it whenever this file would produce different pixels. */
export const RENDERER_VERSION = 'svg-librsvg-white-1';

/** The background every transparent pixel is flattened onto; light, as the paper's emoji are. */
const BACKGROUND = '#ffffff';

/** Renders `style` for `seed` into size x size RGB bytes (row-major, 3 bytes per pixel). */
export type AvatarRenderer = (style: EmojiStyle, seed: string, size: number) => Promise<Buffer>;

export function avatarSvg(style: EmojiStyle, seed: string, size: number): string {
  const def = EMOJI_STYLE_DEFS[style];
  return createAvatar(def.style, { ...def.options, seed, size }).toString();
}

export const renderAvatar: AvatarRenderer = async (style, seed, size) => {
  const { data, info } = await sharp(Buffer.from(avatarSvg(style, seed, size)), { failOn: 'error' })
    .flatten({ background: BACKGROUND })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size || info.channels !== 3) {
    throw new Error(`SVG renderer returned ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x3`);
  }
  return data;
};
