/**
 * The `emoji` data kind: `count` cartoon faces of one or more DiceBear styles, read from the disk
 * cache where it has them and rendered (then cached) where it does not.
 *
 * With several styles, image i is of style i mod n, and it is that style's face number floor(i / n).
 * A face's seed is `<seed>-<number>`, so a style's faces do not depend on which other styles are
 * mixed in or on `count`: every config with that style and seed shares its cache.
 */
import type { EmojiStyle } from '../../../shared/config';
import { convertChannels } from '../conform';
import { ImageSet } from '../imageSet';
import { CHUNK_SIZE, chunkFile, EmojiCacheKey, emojiKeyDir, readChunk, writeChunk } from './emojiCache';
import { EMOJI_STYLE_DEFS } from './emojiStyles';
import { packageVersion } from './packageVersion';
import { AvatarRenderer, renderAvatar, RENDERER_VERSION } from './renderAvatar';

export interface EmojiOptions {
  /** One style, or several mixed evenly (a repeated name counts once). */
  styles: readonly EmojiStyle[];
  count: number;
  seed: number;
  size: number;
  channels: 1 | 3;
  /** Folder of the cache, e.g. <config folder>/.dtn/cache/emoji. */
  cacheDir: string;
  /** Replaceable for tests; renderAvatar by default. */
  renderer?: AvatarRenderer;
}

/** Faces rendered at once: sharp rasterises on its own threads while DiceBear builds the next SVG. */
const LANES = 4;

export function emojiCacheKey(style: EmojiStyle, size: number, seed: number): EmojiCacheKey {
  const def = EMOJI_STYLE_DEFS[style];
  return {
    style,
    options: def.options,
    size,
    seed,
    packageVersions: { '@dicebear/core': packageVersion('@dicebear/core'), [def.pkg]: packageVersion(def.pkg) },
    rendererVersion: RENDERER_VERSION,
  };
}

/** Renders faces [from, to) of a style into one buffer, a few at a time. */
async function renderRange(render: AvatarRenderer, style: EmojiStyle, seed: number, size: number, from: number, to: number) {
  const bytes = size * size * 3;
  const out = Buffer.alloc((to - from) * bytes);
  let next = from;
  const lane = async () => {
    for (let k = next++; k < to; k = next++) {
      const rgb = await render(style, `${seed}-${k}`, size);
      if (rgb.length !== bytes) throw new Error(`renderer returned ${rgb.length} bytes for a ${size}x${size} RGB face`);
      rgb.copy(out, (k - from) * bytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, to - from) }, lane));
  return out;
}

/** The RGB bytes of a style's first `need` faces: cached chunks as they are, the rest rendered and cached. */
async function styleFaces(render: AvatarRenderer, style: EmojiStyle, need: number, opts: EmojiOptions): Promise<Buffer> {
  const { size, seed } = opts;
  const bytes = size * size * 3;
  const dir = emojiKeyDir(opts.cacheDir, emojiCacheKey(style, size, seed));
  const parts: Buffer[] = [];
  for (let chunk = 0; chunk * CHUNK_SIZE < need; chunk++) {
    const first = chunk * CHUNK_SIZE;
    const want = Math.min(CHUNK_SIZE, need - first);
    const file = chunkFile(dir, chunk);
    const cached = (await readChunk(file, size)) ?? Buffer.alloc(0);
    const have = cached.length / bytes;
    if (have >= want) {
      parts.push(cached.subarray(0, want * bytes));
      continue;
    }
    // A chunk grows as counts grow: keep what it has, render the rest, rewrite it whole.
    const rendered = await renderRange(render, style, seed, size, first + have, first + want);
    const whole = Buffer.concat([cached, rendered]);
    await writeChunk(file, whole, size);
    parts.push(whole);
  }
  return Buffer.concat(parts);
}

export async function loadEmoji(opts: EmojiOptions): Promise<ImageSet> {
  const styles = [...new Set(opts.styles)];
  if (styles.length === 0) throw new Error('loadEmoji needs at least one style');
  const render = opts.renderer ?? renderAvatar;
  const { count, size, channels } = opts;
  const pixels = size * size;
  const out = new Float32Array(count * pixels * channels);
  const rgbFloats = new Float32Array(pixels * 3);
  for (const [k, style] of styles.entries()) {
    const need = k < count ? Math.floor((count - 1 - k) / styles.length) + 1 : 0;
    if (need === 0) continue;
    const rgb = await styleFaces(render, style, need, opts);
    for (let j = 0; j < need; j++) {
      const face = rgb.subarray(j * pixels * 3, (j + 1) * pixels * 3);
      for (let p = 0; p < face.length; p++) rgbFloats[p] = face[p] / 127.5 - 1;
      // The same luma as every other loader when the model wants grey.
      out.set(convertChannels(rgbFloats, pixels, 3, channels), (j * styles.length + k) * pixels * channels);
    }
  }
  const origin = `emoji ${styles.join('+')} (seed ${opts.seed})`;
  return { images: out, count, height: size, width: size, channels, origin };
}
