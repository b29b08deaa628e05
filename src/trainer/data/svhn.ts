/** SVHN cropped digits (train_32x32.mat / test_32x32.mat): X is 32x32x3xN uint8, y is Nx1 in 1..10. */
import { readMat, MatVariable } from './matV5';
import { DataError, ImageSet } from './imageSet';

const FIX =
  'Use train_32x32.mat, test_32x32.mat or extra_32x32.mat from http://ufldl.stanford.edu/housenumbers/ (format 2, cropped digits)';

function need(vars: Map<string, MatVariable>, name: string, file: string): MatVariable {
  const v = vars.get(name);
  if (!v) {
    const found = [...vars.keys()].join(', ') || 'none';
    throw new DataError(`missing variable "${name}" (numeric variables found: ${found})`, file, FIX);
  }
  return v;
}

export function readSvhnMat(path: string, count?: number): ImageSet {
  const vars = readMat(path);
  const X = need(vars, 'X', path);
  const y = need(vars, 'y', path);
  const [H, W, C, total] = X.dims.length === 3 ? [...X.dims, 1] : X.dims;
  if (X.dims.length > 4 || X.dims.length < 3 || C !== 3) {
    throw new DataError(`variable X has dimensions ${X.dims.join('x')}, expected HxWx3xN (32x32x3xN)`, path, FIX);
  }
  const yCount = y.dims.reduce((a, b) => a * b, 1);
  if (y.dims.filter((d) => d !== 1).length > 1 || yCount !== total) {
    throw new DataError(`variable y has dimensions ${y.dims.join('x')}, expected ${total}x1 (one label per image in X)`, path, FIX);
  }
  const n = Math.min(count ?? total, total);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = y.data[i];
    if (!Number.isInteger(v) || v < 0 || v > 10) throw new DataError(`label y(${i + 1}) = ${v}, expected 1..10`, path, FIX);
    labels[i] = v % 10; // SVHN writes digit 0 as label 10
  }
  // Column-major X(r, c, ch, i) -> NHWC: the first index runs fastest in the source.
  const images = new Float32Array(n * H * W * C);
  const src = X.data;
  const plane = H * W;
  for (let i = 0; i < n; i++) {
    const srcImg = i * plane * C;
    const dstImg = i * plane * C;
    for (let ch = 0; ch < C; ch++) {
      const srcCh = srcImg + ch * plane;
      for (let c = 0; c < W; c++) {
        const srcCol = srcCh + c * H;
        for (let r = 0; r < H; r++) images[dstImg + (r * W + c) * C + ch] = src[srcCol + r] / 127.5 - 1;
      }
    }
  }
  return { images, labels, count: n, height: H, width: W, channels: C, origin: path };
}
