import { strict as assert } from 'node:assert';
import sharp from 'sharp';
import { apply, type Point, type Similarity } from '../../../../src/trainer/data/faces/alignment';
import { affineOrigin, warpCrop } from '../../../../src/trainer/data/faces/warp';

const W = 400;
const H = 300;
/** 3 x 3 white squares on black; their centres, in continuous coordinates (pixel i spans [i, i + 1)). */
const DOTS: Point[] = [
  { x: 160.5, y: 120.5 },
  { x: 215.5, y: 118.5 },
  { x: 190.5, y: 170.5 },
];

function dotPhoto() {
  const data = Buffer.alloc(W * H * 3);
  for (const d of DOTS) {
    for (let y = d.y - 1.5; y < d.y + 1.5; y++)
      for (let x = d.x - 1.5; x < d.x + 1.5; x++) data.fill(255, (y * W + x) * 3, (y * W + x) * 3 + 3);
  }
  return { data, width: W, height: H };
}

/** Brightness-weighted centre (red channel) of a size x size RGB image within r of `around`. */
function centre(px: Buffer, size: number, around: Point, r: number): Point {
  let sx = 0;
  let sy = 0;
  let s = 0;
  for (let y = Math.max(0, Math.floor(around.y - r)); y < Math.min(size, around.y + r); y++) {
    for (let x = Math.max(0, Math.floor(around.x - r)); x < Math.min(size, around.x + r); x++) {
      const v = px[(y * size + x) * 3];
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
      s += v;
    }
  }
  return { x: sx / s, y: sy / s };
}

/** Scale `scale`, angle `angle`, with the dots' middle at the crop's centre. */
function centred(scale: number, angle: number, size: number): Similarity {
  const t = { a: scale * Math.cos(angle), b: scale * Math.sin(angle), tx: 0, ty: 0 };
  const c = apply(t, { x: 188, y: 136 });
  return { ...t, tx: size / 2 - c.x, ty: size / 2 - c.y };
}

describe('warpCrop', function () {
  this.timeout(60_000);

  for (const [scale, angle] of [
    [1, 0],
    [1, 0.35],
    [1.6, -0.3],
    [0.55, 0.9],
    [0.3, -2.4],
  ]) {
    it(`puts photo points where the transform says (scale ${scale}, angle ${angle})`, async () => {
      const size = 150;
      const t = centred(scale, angle, size);
      const crop = await warpCrop(dotPhoto(), t, size);
      assert.equal(crop.length, size * size * 3);
      for (const d of DOTS) {
        const want = apply(t, d);
        const got = centre(crop, size, want, Math.max(4, 3 * scale));
        // A fraction of a pixel: the half-pixel conventions of resize and affine are accounted for.
        assert.ok(
          Math.hypot(got.x - want.x, got.y - want.y) < 0.3,
          `dot ${JSON.stringify(d)}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`,
        );
      }
    });
  }

  it('fills what lies outside the photo with black', async () => {
    const photo = { data: Buffer.alloc(W * H * 3, 200), width: W, height: H };
    // The photo's top-left corner at the crop's centre.
    const crop = await warpCrop(photo, { a: 1, b: 0, tx: 75, ty: 75 }, 150);
    const at = (x: number, y: number) => crop[(y * 150 + x) * 3];
    assert.equal(at(10, 10), 0);
    assert.equal(at(140, 10), 0);
    assert.equal(at(10, 140), 0);
    assert.equal(at(140, 140), 200);
    // Entirely outside: all black.
    const away = await warpCrop(photo, { a: 1, b: 0, tx: 1000, ty: 0 }, 150);
    assert.ok(away.every((v) => v === 0));
  });

  it("affineOrigin is where sharp's affine starts its output", async () => {
    // One white pixel at index (20, 10) of a 64 x 48 image; its position in the output says where
    // the output starts. Index coordinates: libvips maps pixel centres.
    const img = Buffer.alloc(64 * 48);
    img[10 * 64 + 20] = 255;
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let k = 0; k < 12; k++) {
      const angle = rnd() * 2 * Math.PI;
      const scale = 0.7 + rnd() * 2;
      const m = [scale * Math.cos(angle), -scale * Math.sin(angle), scale * Math.sin(angle), scale * Math.cos(angle)] as const;
      const { data, info } = await sharp(img, { raw: { width: 64, height: 48, channels: 1 } })
        .affine(
          [
            [m[0], m[1]],
            [m[2], m[3]],
          ],
          { interpolator: 'bilinear' },
        )
        .extractChannel(0)
        .raw()
        .toBuffer({ resolveWithObject: true });
      let sx = 0;
      let sy = 0;
      let s = 0;
      for (let i = 0; i < data.length; i++) {
        sx += data[i] * (i % info.width);
        sy += data[i] * Math.floor(i / info.width);
        s += data[i];
      }
      const origin = affineOrigin(m, 64, 48);
      const want = { x: m[0] * 20 + m[1] * 10 - origin.x, y: m[2] * 20 + m[3] * 10 - origin.y };
      assert.ok(Math.abs(sx / s - want.x) < 0.2 && Math.abs(sy / s - want.y) < 0.2, `${m}: ${sx / s},${sy / s} vs ${want.x},${want.y}`);
    }
  });
});
