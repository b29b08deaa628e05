import { strict as assert } from 'node:assert';
import {
  alignmentOf,
  apply,
  CANONICAL,
  compose,
  faceAnchors,
  fitSimilarity,
  invert,
  scaleOf,
  type Point,
  type Similarity,
} from '../../../../src/trainer/data/faces/alignment';

const near = (p: Point, q: Point, tol = 1e-9) => Math.abs(p.x - q.x) <= tol && Math.abs(p.y - q.y) <= tol;
const turn = (scale: number, angle: number, tx: number, ty: number): Similarity => ({
  a: scale * Math.cos(angle),
  b: scale * Math.sin(angle),
  tx,
  ty,
});

/** 68 landmarks whose eyes' and mouth's centres are the given points (the rest far away, unused). */
function landmarksWith(leftEye: Point, rightEye: Point, mouth: Point): Point[] {
  const out: Point[] = Array.from({ length: 68 }, () => ({ x: 1e6, y: -1e6 }));
  const ring = (c: Point, from: number, to: number, r: number) => {
    for (let i = from; i < to; i++) {
      const t = (2 * Math.PI * (i - from)) / (to - from);
      out[i] = { x: c.x + r * Math.cos(t), y: c.y + r * Math.sin(t) };
    }
  };
  ring(leftEye, 36, 42, 5);
  ring(rightEye, 42, 48, 5);
  ring(mouth, 48, 68, 12);
  return out;
}

describe('face alignment maths', () => {
  it('fitSimilarity recovers a rotation, scale and translation exactly', () => {
    const t = turn(0.37, 0.8, 12.5, -40);
    const from = [
      { x: 10, y: 20 },
      { x: 300, y: 25 },
      { x: 150, y: 240 },
      { x: -7, y: 3 },
    ];
    const fit = fitSimilarity(
      from,
      from.map((p) => apply(t, p)),
    );
    for (const k of ['a', 'b', 'tx', 'ty'] as const) assert.ok(Math.abs(fit[k] - t[k]) < 1e-9, `${k}: ${fit[k]} vs ${t[k]}`);
  });

  it('fitSimilarity is the least-squares fit when the points do not match exactly', () => {
    // A square to a rectangle: the best uniform scale lies between the two side ratios, no rotation.
    const sq = [
      { x: -1, y: -1 },
      { x: 1, y: -1 },
      { x: 1, y: 1 },
      { x: -1, y: 1 },
    ];
    const fit = fitSimilarity(
      sq,
      sq.map((p) => ({ x: 2 * p.x, y: 4 * p.y })),
    );
    assert.ok(Math.abs(fit.a - 3) < 1e-12 && Math.abs(fit.b) < 1e-12 && Math.abs(fit.tx) < 1e-12, JSON.stringify(fit));
    assert.throws(() => fitSimilarity([{ x: 1, y: 1 }], [{ x: 2, y: 2 }]));
    assert.throws(() =>
      fitSimilarity(
        [
          { x: 1, y: 1 },
          { x: 1, y: 1 },
        ],
        sq.slice(0, 2),
      ),
    );
  });

  it('invert and compose agree with apply', () => {
    const t = turn(2.5, -2.1, 7, 9);
    const u = turn(0.4, 0.3, -3, 11);
    const p = { x: 13.25, y: -4.5 };
    assert.ok(near(apply(invert(t), apply(t, p)), p));
    assert.ok(near(apply(compose(u, t), p), apply(u, apply(t, p))));
    assert.ok(Math.abs(scaleOf(t) - 2.5) < 1e-12);
  });

  it('faceAnchors averages the eye and mouth landmarks of the 68-point scheme', () => {
    const a = faceAnchors(landmarksWith({ x: 10, y: 20 }, { x: 50, y: 21 }, { x: 30, y: 60 }));
    assert.ok(near(a.leftEye, { x: 10, y: 20 }, 1e-9) && near(a.rightEye, { x: 50, y: 21 }, 1e-9) && near(a.mouth, { x: 30, y: 60 }, 1e-9));
    assert.throws(() => faceAnchors([{ x: 0, y: 0 }]), /68 landmarks/);
  });

  it('alignmentOf puts a tilted, distant face on the canonical eyes and mouth', () => {
    // The canonical face, turned by 25 degrees, shrunk to a third and moved into a big photo.
    const place = turn(1 / 3, (25 * Math.PI) / 180, 1400, 900);
    const photo = landmarksWith(apply(place, CANONICAL.leftEye), apply(place, CANONICAL.rightEye), apply(place, CANONICAL.mouth));
    const t = alignmentOf(photo);
    const a = faceAnchors(photo);
    assert.ok(near(apply(t, a.leftEye), CANONICAL.leftEye, 1e-6));
    assert.ok(near(apply(t, a.rightEye), CANONICAL.rightEye, 1e-6));
    assert.ok(near(apply(t, a.mouth), CANONICAL.mouth, 1e-6));
    assert.ok(Math.abs(scaleOf(t) - 3) < 1e-9);
  });
});
