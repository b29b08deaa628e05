import { strict as assert } from 'node:assert';
import type { ImageSet } from '../../../src/trainer/data/imageSet';
import { digitFonts, renderSyntheticDigits } from '../../../src/trainer/data/syntheticDigits';

describe('renderSyntheticDigits', function () {
  this.timeout(120_000);
  let a: ImageSet;
  before(async () => {
    a = await renderSyntheticDigits({ count: 200, seed: 7 });
  });

  it('renders labelled 32x32 RGB images in [-1, 1]', () => {
    assert.deepEqual([a.count, a.height, a.width, a.channels], [200, 32, 32, 3]);
    assert.equal(a.images.length, 200 * 32 * 32 * 3);
    let min = Infinity,
      max = -Infinity;
    for (const v of a.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assert.ok(min >= -1 && max <= 1 && max - min > 1.5, `${min}..${max}`);
  });

  it('balances the classes in every block of ten, in shuffled order', () => {
    const labels = Array.from(a.labels!);
    for (let b = 0; b < 200; b += 10) assert.deepEqual(labels.slice(b, b + 10).sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.notDeepEqual(labels.slice(0, 10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('is byte-identical for the same seed, and a prefix does not depend on count', async () => {
    const b = await renderSyntheticDigits({ count: 200, seed: 7 });
    assert.ok(Buffer.from(a.images.buffer).equals(Buffer.from(b.images.buffer)));
    assert.deepEqual(b.labels, a.labels);
    const c = await renderSyntheticDigits({ count: 30, seed: 7 });
    assert.ok(Buffer.from(c.images.buffer).equals(Buffer.from(a.images.buffer, 0, c.images.byteLength)));
  });

  it('renders the same images across sheets (one sharp call each), whatever the count', async () => {
    const long = await renderSyntheticDigits({ count: 600, seed: 7 });
    const short = await renderSyntheticDigits({ count: 260, seed: 7 });
    assert.ok(Buffer.from(short.images.buffer).equals(Buffer.from(long.images.buffer, 0, short.images.byteLength)));
    assert.ok(Buffer.from(a.images.buffer).equals(Buffer.from(long.images.buffer, 0, a.images.byteLength)));
    assert.deepEqual(Array.from(short.labels!), Array.from(long.labels!.subarray(0, 260)));
  });

  it('draws in the hand-lettered faces too with handLettered, with the same labels', async () => {
    const hand = await renderSyntheticDigits({ count: 200, seed: 7, handLettered: true });
    assert.deepEqual(hand.labels, a.labels);
    assert.match(hand.origin, /hand-lettered/);
    assert.doesNotMatch(a.origin, /hand-lettered/);
    const explicit = await renderSyntheticDigits({ count: 30, seed: 7, handLettered: false });
    assert.ok(Buffer.from(explicit.images.buffer).equals(Buffer.from(a.images.buffer, 0, explicit.images.byteLength)));
    // Each image picks one of 36 faces instead of 20: nearly every image changes.
    const plane = 32 * 32 * 3;
    let changed = 0;
    for (let i = 0; i < 200; i++) {
      const x = Buffer.from(a.images.buffer, i * plane * 4, plane * 4);
      if (!x.equals(Buffer.from(hand.images.buffer, i * plane * 4, plane * 4))) changed++;
    }
    assert.ok(changed > 150, `${changed} of 200 images changed`);
    assert.ok(digitFonts(true).includes('Permanent Marker') && !digitFonts().includes('Permanent Marker'));
  });

  it('differs for a different seed', async () => {
    const d = await renderSyntheticDigits({ count: 200, seed: 8 });
    assert.notDeepEqual(d.labels, a.labels);
    let same = 0;
    for (let i = 0; i < d.images.length; i++) if (d.images[i] === a.images[i]) same++;
    assert.ok(same < d.images.length * 0.05, `${same} equal values`);
  });

  it('draws a visible digit: every image has real contrast', () => {
    const plane = 32 * 32 * 3;
    for (let i = 0; i < a.count; i++) {
      const img = a.images.subarray(i * plane, (i + 1) * plane);
      let lo = Infinity,
        hi = -Infinity;
      for (const v of img) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      assert.ok(hi - lo > 0.3, `image ${i} is nearly flat`);
    }
  });

  it('uses many distinct images and every bundled font family', () => {
    const fonts = digitFonts();
    assert.ok(fonts.length >= 15, fonts.join(', '));
    for (const f of [
      'Oswald',
      'Bebas Neue',
      'Roboto Slab',
      'Archivo Black',
      'Courier Prime',
      'DejaVu Sans',
      'DejaVu Serif',
      'DejaVu SansMono',
      'DejaVu SansCondensed',
    ]) {
      assert.ok(
        fonts.some((x) => x.includes(f)),
        `missing ${f}`,
      );
    }
    const plane = 32 * 32 * 3;
    const seen = new Set<string>();
    for (let i = 0; i < a.count; i++) seen.add(Buffer.from(a.images.buffer, i * plane * 4, plane * 4).toString('base64'));
    assert.equal(seen.size, a.count);
  });

  it('honours size', async () => {
    const s = await renderSyntheticDigits({ count: 3, seed: 1, size: 20 });
    assert.deepEqual([s.height, s.width, s.images.length], [20, 20, 3 * 20 * 20 * 3]);
  });
});
