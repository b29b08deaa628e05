/**
 * Face alignment maths: the similarity transform (rotation, uniform scale, translation) that takes
 * a face's eyes and mouth, found among its 68 landmarks, to fixed places in a 150 x 150 crop.
 * Pure functions; the warp itself is done by sharp (warp.ts).
 */

export interface Point {
  x: number;
  y: number;
}

/**
 * p -> (a x - b y + tx, b x + a y + ty): scale sqrt(a² + b²), angle atan2(b, a). No shear and no
 * reflection, so a face keeps its proportions and handedness.
 */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/** Side of the aligned crop: the input size of f (FaceRecognitionNet). */
export const CROP_SIZE = 150;

/**
 * Where the eyes' and the mouth's centres go in the crop (x to the right, y down; left = the
 * image's left). Roughly where dlib's 150 px face chips with 25% padding put them, the crops
 * FaceRecognitionNet was trained on: eyes a third of the way down, the chin near the bottom edge.
 */
export const CANONICAL = {
  leftEye: { x: 48, y: 46 },
  rightEye: { x: 101, y: 46 },
  mouth: { x: 74.5, y: 106 },
} as const;

/** Landmark index ranges of the 68-point (iBUG 300-W) scheme. */
const LEFT_EYE = [36, 42] as const;
const RIGHT_EYE = [42, 48] as const;
const MOUTH = [48, 68] as const;

function centroid(points: readonly Point[], [from, to]: readonly [number, number]): Point {
  let x = 0;
  let y = 0;
  for (let i = from; i < to; i++) {
    x += points[i].x;
    y += points[i].y;
  }
  return { x: x / (to - from), y: y / (to - from) };
}

/** The eyes' and the mouth's centres of a 68-point landmark set. */
export function faceAnchors(landmarks: readonly Point[]): { leftEye: Point; rightEye: Point; mouth: Point } {
  if (landmarks.length !== 68) throw new Error(`expected 68 landmarks, got ${landmarks.length}`);
  return { leftEye: centroid(landmarks, LEFT_EYE), rightEye: centroid(landmarks, RIGHT_EYE), mouth: centroid(landmarks, MOUTH) };
}

/**
 * The similarity that maps `from` onto `to` with the least squared error (closed form: centre
 * both sets; a and b are then the projections of `to` on `from` and on `from` turned 90°).
 */
export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  if (from.length !== to.length || from.length < 2) throw new Error('fitSimilarity needs two or more point pairs');
  const n = from.length;
  const fc = centroid(from, [0, n]);
  const tc = centroid(to, [0, n]);
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const x = from[i].x - fc.x;
    const y = from[i].y - fc.y;
    const u = to[i].x - tc.x;
    const v = to[i].y - tc.y;
    dot += x * u + y * v;
    cross += x * v - y * u;
    norm += x * x + y * y;
  }
  if (norm === 0) throw new Error('fitSimilarity: the source points coincide');
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: tc.x - (a * fc.x - b * fc.y), ty: tc.y - (b * fc.x + a * fc.y) };
}

/** Photo -> crop transform of a face, from its 68 landmarks in photo pixels. */
export function alignmentOf(landmarks: readonly Point[]): Similarity {
  const { leftEye, rightEye, mouth } = faceAnchors(landmarks);
  return fitSimilarity([leftEye, rightEye, mouth], [CANONICAL.leftEye, CANONICAL.rightEye, CANONICAL.mouth]);
}

export function apply(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

export function invert(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  const a = t.a / d;
  const b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/** `first`, then `second`. */
export function compose(second: Similarity, first: Similarity): Similarity {
  const t = apply(second, { x: first.tx, y: first.ty });
  return { a: second.a * first.a - second.b * first.b, b: second.a * first.b + second.b * first.a, tx: t.x, ty: t.y };
}

export const scaleOf = (t: Similarity): number => Math.hypot(t.a, t.b);
