import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../../src/trainer/data/imageDecode';
import { DataError } from '../../../src/trainer/data/imageSet';
import { bmp, exifRotatedJpeg, formatSamples, quadrants, type BmpOptions } from '../translate/images';
import { cleanTempDirs, tempDir } from './tmp';

const v = (byte: number) => byte / 127.5 - 1;
/** RGB of pixel (x, y) of a size x size decoded image. */
const at = (px: Float32Array, size: number, x: number, y: number) => Array.from(px.subarray((y * size + x) * 3, (y * size + x) * 3 + 3));
const near = (a: number[], b: number[], tol: number) => a.every((x, i) => Math.abs(x - b[i]) <= tol);

async function rejects(file: string, pattern: RegExp): Promise<void> {
  await assert.rejects(decodeImage(file, { size: 8, channels: 3 }), (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.file, file);
    assert.equal(e.code, 'DATA_INVALID');
    assert.match(e.message, pattern);
    return true;
  });
}

describe('decodeImage', function () {
  this.timeout(60_000);
  after(cleanTempDirs);

  it('reads every supported format to the same quadrants, at the model size, in [-1, 1]', async () => {
    const dir = tempDir();
    for (const [name, bytes] of Object.entries(await formatSamples(40, 40))) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      const px = await decodeImage(file, { size: 8, channels: 3 });
      assert.equal(px.length, 8 * 8 * 3, name);
      assert.ok(
        px.every((x) => x >= -1 && x <= 1),
        name,
      );
      const grey = name.startsWith('grey');
      // Top-left: red + green; top-right: green; bottom-right: neither.
      const tl = at(px, 8, 1, 1);
      const tr = at(px, 8, 6, 1);
      const br = at(px, 8, 6, 6);
      if (grey) assert.ok(tl[0] > br[0] + 0.5 && tl[0] === tl[1] && tl[1] === tl[2], `${name}: ${tl} vs ${br}`);
      else if (name.startsWith('cmyk')) {
        // Pure sRGB green lies outside the CMYK gamut, so colours shift: check the quadrants only.
        assert.ok(tl[0] > tr[0] + 0.3 && tr[1] > br[1] + 0.3, `${name}: ${tl} ${tr} ${br}`);
      } else {
        assert.ok(near(tl, [1, 1, v(60)], 0.05), `${name} top-left ${tl}`);
        assert.ok(near(tr, [-1, 1, v(60)], 0.05), `${name} top-right ${tr}`);
        assert.ok(near(br, [-1, -1, v(60)], 0.05), `${name} bottom-right ${br}`);
      }
    }
  });

  it('reads BMP: 24 and 32 bits, a palette, top-down rows, an alpha mask and a gap before the pixels', async () => {
    const dir = tempDir();
    const raw = quadrants(40, 40);
    const variants: Record<string, BmpOptions> = {
      '24-bit': {},
      '32-bit': { bits: 32 },
      '32-bit top-down': { bits: 32, topDown: true },
      palette: { bits: 8 },
      'palette top-down': { bits: 8, topDown: true },
      '24-bit with a gap': { gap: 10 },
      '32-bit opaque alpha': { bits: 32, alpha: 255 },
    };
    for (const [name, opts] of Object.entries(variants)) {
      const file = path.join(dir, `${name}.bmp`);
      fs.writeFileSync(file, bmp(raw, 40, 40, opts));
      const px = await decodeImage(file, { size: 8, channels: 3 });
      assert.ok(near(at(px, 8, 1, 1), [1, 1, v(60)], 0.02), `${name} top-left ${at(px, 8, 1, 1)}`);
      assert.ok(near(at(px, 8, 6, 1), [-1, 1, v(60)], 0.02), `${name} top-right ${at(px, 8, 6, 1)}`);
      assert.ok(near(at(px, 8, 1, 6), [1, -1, v(60)], 0.02), `${name} bottom-left ${at(px, 8, 1, 6)}`);
    }
    // An alpha mask that says transparent: composited over black like any transparent image.
    const clear = path.join(dir, 'clear.bmp');
    fs.writeFileSync(clear, bmp(raw, 40, 40, { bits: 32, alpha: 0x40 }));
    assert.ok(near(at(await decodeImage(clear, { size: 8, channels: 3 }), 8, 1, 1), [v(64), v(64), v(15)], 0.03));
  });

  it('decodes by content, whatever the extension says', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'really-a-png.jpg');
    fs.writeFileSync(file, (await formatSamples(8, 8))['rgb8.png']);
    assert.ok(near(at(await decodeImage(file, { size: 8, channels: 3 }), 8, 0, 0), [1, 1, v(60)], 1e-6));
  });

  it('keeps an image already at the model size exactly, and converts to grey with BT.601 luma', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.png');
    fs.writeFileSync(file, (await formatSamples(8, 8))['rgb8.png']);
    const rgb = await decodeImage(file, { size: 8, channels: 3 });
    assert.deepEqual(at(rgb, 8, 0, 0), [v(255), v(255), v(60)].map(Math.fround));
    const grey = await decodeImage(file, { size: 8, channels: 1 });
    assert.equal(grey.length, 64);
    assert.ok(Math.abs(grey[0] - (0.299 * v(255) + 0.587 * v(255) + 0.114 * v(60))) < 1e-5);
  });

  it('applies EXIF orientation', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sideways.jpg');
    fs.writeFileSync(file, await exifRotatedJpeg(40, 40));
    const meta = await sharp(file).metadata();
    assert.equal(meta.orientation, 6);
    const px = await decodeImage(file, { size: 8, channels: 3 });
    // Displayed upright: red left, green top, as in quadrants().
    assert.ok(near(at(px, 8, 1, 1), [1, 1, v(60)], 0.1), String(at(px, 8, 1, 1)));
    assert.ok(near(at(px, 8, 6, 1), [-1, 1, v(60)], 0.1), String(at(px, 8, 6, 1)));
    assert.ok(near(at(px, 8, 1, 6), [1, -1, v(60)], 0.1), String(at(px, 8, 1, 6)));
  });

  it("composites transparency over black and takes a GIF's first frame", async () => {
    const dir = tempDir();
    const half = path.join(dir, 'half.png');
    await sharp({ create: { width: 4, height: 4, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0.5 } } })
      .png()
      .toFile(half);
    for (const x of await decodeImage(half, { size: 4, channels: 3 })) assert.ok(Math.abs(x) < 0.01, String(x));
    const gif = path.join(dir, 'a.gif');
    fs.writeFileSync(gif, (await formatSamples(8, 8))['animated.gif']);
    assert.ok(near(at(await decodeImage(gif, { size: 8, channels: 3 }), 8, 0, 0), [1, 1, v(60)], 0.05));
  });

  it('downscales by averaging: a 1-pixel checkerboard becomes mid grey, not black or white', async () => {
    const dir = tempDir();
    const w = 400;
    const raw = Buffer.alloc(w * w);
    for (let i = 0; i < raw.length; i++) raw[i] = ((i % w) + Math.floor(i / w)) % 2 ? 255 : 0;
    const file = path.join(dir, 'checker.png');
    await sharp(raw, { raw: { width: w, height: w, channels: 1 } })
      .png()
      .toFile(file);
    for (const x of await decodeImage(file, { size: 32, channels: 1 })) assert.ok(Math.abs(x) < 0.05, String(x));
  });

  it('reads a 1x1 image and a 4000x3000 photo (without decoding it to floats at full size)', async () => {
    const dir = tempDir();
    const one = path.join(dir, 'one.png');
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#ff0000' } })
      .png()
      .toFile(one);
    assert.deepEqual(at(await decodeImage(one, { size: 4, channels: 3 }), 4, 3, 3), [1, -1, -1]);
    const big = path.join(dir, 'big.jpg');
    await sharp(quadrants(4000, 3000), { raw: { width: 4000, height: 3000, channels: 3 } })
      .jpeg()
      .toFile(big);
    global.gc?.();
    const before = process.memoryUsage().rss;
    const px = await decodeImage(big, { size: 32, channels: 3 });
    const grown = (process.memoryUsage().rss - before) / 2 ** 20;
    assert.equal(px.length, 32 * 32 * 3);
    assert.ok(near(at(px, 32, 2, 2), [1, 1, v(60)], 0.05));
    // Floats at full size would be 137 MiB; sharp shrinks while decoding.
    assert.ok(grown < 120, `rss grew ${grown.toFixed(0)} MiB`);
  });

  it('names a non-image, a truncated file and a missing one', async () => {
    const dir = tempDir();
    const samples = await formatSamples(40, 40);
    const text = path.join(dir, 'notes.png');
    fs.writeFileSync(text, 'not an image at all');
    await rejects(text, /not a readable image.*unsupported image format/);
    for (const name of ['rgb8.png', 'rgb.jpg', 'image.webp', 'animated.gif']) {
      const file = path.join(dir, `cut-${name}`);
      fs.writeFileSync(file, samples[name].subarray(0, Math.floor(samples[name].length * 0.6)));
      await rejects(file, /not a readable image/);
    }
    const cutBmp = path.join(dir, 'cut.bmp');
    fs.writeFileSync(cutBmp, bmp(Buffer.alloc(40 * 40 * 3), 40, 40).subarray(0, 500));
    await rejects(cutBmp, /truncated/);
    // Cut inside the pixels with the size field cleared (some writers leave it 0).
    const zeroSize = bmp(quadrants(40, 40), 40, 40, { bits: 32, topDown: true });
    zeroSize.writeUInt32LE(0, 2);
    fs.writeFileSync(cutBmp, zeroSize.subarray(0, 2000));
    await rejects(cutBmp, /truncated/);
    const huge = bmp(Buffer.alloc(3 * 4), 2, 2);
    huge.writeInt32LE(1 << 20, 18);
    huge.writeInt32LE(1 << 20, 22);
    huge.writeUInt32LE(0, 2);
    fs.writeFileSync(cutBmp, huge);
    await rejects(cutBmp, /too large/);
    const rle = bmp(quadrants(4, 4), 4, 4, { bits: 8 });
    rle.writeUInt32LE(1, 30);
    fs.writeFileSync(cutBmp, rle);
    await rejects(cutBmp, /RLE-compressed BMP is not supported/);
    await rejects(path.join(dir, 'nope.png'), /file not found/);
  });
});
