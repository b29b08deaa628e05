/** Test-only writer for Level 5 MAT-files, to build tiny fixtures for matV5 and svhn tests. */
import * as zlib from 'node:zlib';

export const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  MATRIX: 14,
  COMPRESSED: 15,
} as const;
export const MX = { CELL: 1, CHAR: 4, DOUBLE: 6, SINGLE: 7, INT8: 8, UINT8: 9, INT16: 10, UINT16: 11, INT32: 12, UINT32: 13 } as const;

export interface WriteVar {
  name: string;
  mxClass: number;
  dims: number[];
  /** Storage type of the real part (may differ from the class, as MATLAB does). */
  miType: number;
  values: ArrayLike<number>;
}

const TYPED: Record<number, { new (a: ArrayLike<number>): ArrayBufferView }> = {
  [MI.INT8]: Int8Array,
  [MI.UINT8]: Uint8Array,
  [MI.INT16]: Int16Array,
  [MI.UINT16]: Uint16Array,
  [MI.INT32]: Int32Array,
  [MI.UINT32]: Uint32Array,
  [MI.SINGLE]: Float32Array,
  [MI.DOUBLE]: Float64Array,
};

function element(type: number, data: Buffer, small: boolean): Buffer {
  if (small && data.length <= 4) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE((data.length << 16) | type, 0);
    data.copy(b, 4);
    return b;
  }
  const padded = Math.ceil(data.length / 8) * 8;
  const b = Buffer.alloc(8 + padded);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(data.length, 4);
  data.copy(b, 8);
  return b;
}

function typed(type: number, values: ArrayLike<number>): Buffer {
  const v = new TYPED[type](values);
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function header(text = 'MATLAB 5.0 MAT-file, Platform: test, Created on: now', endian = 'IM', version = 0x0100): Buffer {
  const h = Buffer.alloc(128, ' ');
  h.write(text, 0, 'latin1');
  h.fill(0, 116, 124);
  h.writeUInt16LE(version, 124);
  h.write(endian, 126, 'latin1');
  return h;
}

export function matrixElement(v: WriteVar, smallName = true): Buffer {
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(v.mxClass, 0);
  const body = Buffer.concat([
    element(MI.UINT32, flags, false),
    element(MI.INT32, typed(MI.INT32, v.dims), false),
    element(MI.INT8, Buffer.from(v.name, 'latin1'), smallName),
    element(v.miType, typed(v.miType, v.values), true),
  ]);
  return element(MI.MATRIX, body, false);
}

export function writeMat(vars: WriteVar[], opts: { compressed?: boolean; smallName?: boolean } = {}): Buffer {
  const parts = [header()];
  for (const v of vars) {
    const m = matrixElement(v, opts.smallName ?? true);
    if (!opts.compressed) {
      parts.push(m);
      continue;
    }
    // Compressed elements carry no padding, as MATLAB writes them.
    const z = zlib.deflateSync(m);
    const tag = Buffer.alloc(8);
    tag.writeUInt32LE(MI.COMPRESSED, 0);
    tag.writeUInt32LE(z.length, 4);
    parts.push(tag, z);
  }
  return Buffer.concat(parts);
}

/** SVHN-shaped variables: X(r, c, ch, n) = pixel(r, c, ch, n), y = labels (1..10). */
export function svhnVars(
  n: number,
  side: number,
  pixel: (r: number, c: number, ch: number, i: number) => number,
  labels: number[],
): WriteVar[] {
  const X = new Uint8Array(side * side * 3 * n);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < 3; ch++)
      for (let c = 0; c < side; c++)
        for (let r = 0; r < side; r++) {
          X[r + side * (c + side * (ch + 3 * i))] = pixel(r, c, ch, i);
        }
  return [
    { name: 'X', mxClass: MX.UINT8, dims: [side, side, 3, n], miType: MI.UINT8, values: X },
    // MATLAB stores SVHN's double y compactly as uint8.
    { name: 'y', mxClass: MX.DOUBLE, dims: [n, 1], miType: MI.UINT8, values: labels },
  ];
}
