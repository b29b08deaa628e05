import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmojiStyle } from '../../../../src/shared/config';
import { CHUNK_SIZE, chunkFile, emojiKeyDir } from '../../../../src/trainer/data/emoji/emojiCache';
import { EmojiOptions, emojiCacheKey, loadEmoji } from '../../../../src/trainer/data/emoji/loadEmoji';
import { AvatarRenderer, renderAvatar } from '../../../../src/trainer/data/emoji/renderAvatar';
import { cleanTempDirs, tempDir } from '../tmp';

/** The real renderer, counting its calls. */
function countingRenderer(): AvatarRenderer & { calls: string[] } {
  const calls: string[] = [];
  const render = (style: EmojiStyle, seed: string, size: number) => {
    calls.push(`${style}/${seed}`);
    return renderAvatar(style, seed, size);
  };
  return Object.assign(render, { calls });
}

const SIZE = 16;
const image = (set: { images: Float32Array; channels: number }, i: number) => {
  const n = SIZE * SIZE * set.channels;
  return set.images.subarray(i * n, (i + 1) * n);
};
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, k) => x === b[k]);

describe('loadEmoji', () => {
  after(cleanTempDirs);

  const opts = (over: Partial<EmojiOptions> = {}): EmojiOptions => ({
    styles: ['avataaars'],
    count: 6,
    seed: 1,
    size: SIZE,
    channels: 3,
    cacheDir: tempDir('dtn-emoji-'),
    ...over,
  });

  it('returns count NHWC images at the requested size, in [-1, 1], with a white background', async () => {
    const set = await loadEmoji(opts());
    assert.deepEqual([set.count, set.height, set.width, set.channels], [6, SIZE, SIZE, 3]);
    assert.equal(set.images.length, 6 * SIZE * SIZE * 3);
    assert.equal(set.labels, undefined);
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of set.images) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    assert.ok(lo >= -1 && hi <= 1, `${lo}..${hi}`);
    assert.ok(lo < -0.5, 'dark pixels exist');
    assert.equal(hi, 1, 'white background');
    assert.match(set.origin, /avataaars/);
    const grey = await loadEmoji(opts({ channels: 1 }));
    assert.equal(grey.images.length, 6 * SIZE * SIZE);
    const [r, g, b] = image(set, 2).subarray(3 * 40, 3 * 41);
    assert.ok(Math.abs(image(grey, 2)[40] - (0.299 * r + 0.587 * g + 0.114 * b)) < 1e-6);
  });

  it('is deterministic for a seed; faces differ across indices and seeds', async () => {
    const a = await loadEmoji(opts());
    const b = await loadEmoji(opts()); // another, empty cache folder: rendered again
    assert.ok(same(a.images, b.images));
    for (let i = 0; i < a.count; i++) for (let j = i + 1; j < a.count; j++) assert.ok(!same(image(a, i), image(a, j)), `${i} vs ${j}`);
    const other = await loadEmoji(opts({ seed: 2 }));
    for (let i = 0; i < a.count; i++) assert.ok(!same(image(a, i), image(other, i)), `seed 2, image ${i}`);
  });

  it('renders the chosen style, and mixes a list of styles evenly', async () => {
    const avataaars = await loadEmoji(opts());
    const micah = await loadEmoji(opts({ styles: ['micah'] }));
    for (let i = 0; i < 6; i++) assert.ok(!same(image(avataaars, i), image(micah, i)), `image ${i}`);
    const mixed = await loadEmoji(opts({ styles: ['avataaars', 'micah', 'avataaars'] }));
    // A repeated style counts once; image i is style i mod 2's face floor(i / 2).
    assert.equal(mixed.count, 6);
    for (let i = 0; i < 6; i++) assert.ok(same(image(mixed, i), image(i % 2 === 0 ? avataaars : micah, Math.floor(i / 2))), `image ${i}`);
  });

  it('reads the cache on the second load and renders nothing', async () => {
    const cacheDir = tempDir('dtn-emoji-');
    const first = countingRenderer();
    const a = await loadEmoji(opts({ cacheDir, styles: ['personas', 'big-smile'], count: 5, renderer: first }));
    assert.deepEqual(first.calls.sort(), ['big-smile/1-0', 'big-smile/1-1', 'personas/1-0', 'personas/1-1', 'personas/1-2']);
    const second = countingRenderer();
    const b = await loadEmoji(opts({ cacheDir, styles: ['personas', 'big-smile'], count: 5, renderer: second }));
    assert.deepEqual(second.calls, []);
    assert.ok(same(a.images, b.images));
    // One style alone shares the mixed load's cache; so does a smaller count.
    const third = countingRenderer();
    await loadEmoji(opts({ cacheDir, styles: ['personas'], count: 3, renderer: third }));
    assert.deepEqual(third.calls, []);
  });

  it('grows a chunk by rendering only the faces it lacks', async () => {
    const cacheDir = tempDir('dtn-emoji-');
    await loadEmoji(opts({ cacheDir, count: 3 }));
    const more = countingRenderer();
    const grown = await loadEmoji(opts({ cacheDir, count: 5, renderer: more }));
    assert.deepEqual(more.calls.sort(), ['avataaars/1-3', 'avataaars/1-4']);
    assert.ok(same(grown.images, (await loadEmoji(opts({ count: 5 }))).images));
  });

  it('spreads faces over chunks of CHUNK_SIZE', async () => {
    const cacheDir = tempDir('dtn-emoji-');
    const tiny = opts({
      cacheDir,
      size: 2,
      count: CHUNK_SIZE + 3,
      renderer: (_s, seed) => Promise.resolve(Buffer.alloc(12, Number(seed.split('-')[1]) % 256)),
    });
    const set = await loadEmoji(tiny);
    const dir = emojiKeyDir(cacheDir, emojiCacheKey('avataaars', 2, 1));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['00000.png', '00001.png']);
    // Face CHUNK_SIZE + 2 came back from the second chunk (the fake renderer fills it with 258 % 256).
    assert.equal(set.images[(CHUNK_SIZE + 2) * 12], Math.fround(2 / 127.5 - 1));
  });

  it('renders a damaged cache entry again instead of failing', async () => {
    const cacheDir = tempDir('dtn-emoji-');
    const a = await loadEmoji(opts({ cacheDir }));
    const file = chunkFile(emojiKeyDir(cacheDir, emojiCacheKey('avataaars', SIZE, 1)), 0);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length >> 1));
    const again = countingRenderer();
    const b = await loadEmoji(opts({ cacheDir, renderer: again }));
    assert.equal(again.calls.length, 6);
    assert.ok(same(a.images, b.images));
    // And the repaired entry serves the next load.
    const third = countingRenderer();
    await loadEmoji(opts({ cacheDir, renderer: third }));
    assert.deepEqual(third.calls, []);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['00000.png']);
  });
});
