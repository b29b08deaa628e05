import { strict as assert } from 'node:assert';
import { PNG } from 'pngjs';
import { encodeGrid } from '../../../src/trainer/run/sampleGrid';

describe('sample grid', () => {
  // Two 2x3 images per row. Row 0 RGB, row 1 grey.
  const H = 2;
  const W = 3;
  const rgb = Float32Array.from({ length: 2 * H * W * 3 }, (_, i) => ((i % 5) - 2) / 2); // -1, -0.5, 0, 0.5, 1, ...
  const grey = Float32Array.from({ length: 2 * H * W }, (_, i) => (i % 2 ? 1 : -1));
  const png = PNG.sync.read(
    encodeGrid(
      [
        { pixels: rgb, channels: 3 },
        { pixels: grey, channels: 1 },
      ],
      2,
      H,
      W,
    ),
  );
  const PAD = 2;
  const px = (x: number, y: number) => Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4));
  const to255 = (v: number) => Math.round((v + 1) * 127.5);

  it('is (2 + n*(w+2)) x (2 + rows*(h+2)) pixels', () => {
    assert.equal(png.width, PAD + 2 * (W + PAD));
    assert.equal(png.height, PAD + 2 * (H + PAD));
  });

  it('places image n of row r at (2 + n*(w+2), 2 + r*(h+2)) and maps [-1, 1] to [0, 255]', () => {
    for (let n = 0; n < 2; n++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const i = ((n * H + y) * W + x) * 3;
          assert.deepEqual(px(PAD + n * (W + PAD) + x, PAD + y), [to255(rgb[i]), to255(rgb[i + 1]), to255(rgb[i + 2]), 255]);
          const g = grey[(n * H + y) * W + x] > 0 ? 255 : 0;
          assert.deepEqual(px(PAD + n * (W + PAD) + x, PAD + (H + PAD) + y), [g, g, g, 255], 'grey rows are shown as grey');
        }
    assert.equal(to255(0), 128);
  });

  it('leaves the padding opaque black', () => {
    for (const [x, y] of [
      [0, 0],
      [1, 1],
      [PAD + W, PAD],
      [PAD, PAD + H],
      [png.width - 1, png.height - 1],
    ]) {
      assert.deepEqual(px(x, y), [0, 0, 0, 255], `(${x}, ${y})`);
    }
  });

  it('clamps values outside [-1, 1]', () => {
    const out = PNG.sync.read(encodeGrid([{ pixels: Float32Array.from([-3, 5]), channels: 1 }], 2, 1, 1));
    assert.deepEqual(Array.from(out.data.subarray((PAD * out.width + PAD) * 4, (PAD * out.width + PAD) * 4 + 3)), [0, 0, 0]);
    const x2 = PAD + 1 + PAD;
    assert.deepEqual(Array.from(out.data.subarray((PAD * out.width + x2) * 4, (PAD * out.width + x2) * 4 + 3)), [255, 255, 255]);
  });
});
