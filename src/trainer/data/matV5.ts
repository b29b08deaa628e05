/**
 * A minimal MATLAB Level 5 MAT-file reader for numeric arrays. The npm readers build nested JS
 * arrays, which is hopeless for SVHN (73,257 x 32 x 32 x 3); this one returns flat typed arrays.
 * Format: https://www.mathworks.com/help/pdf_doc/matlab/matfile_format.pdf
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { DataError } from './imageSet';

export type MatTypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface MatVariable {
  /** MATLAB dimensions, e.g. [32, 32, 3, N]. */
  dims: number[];
  /** Real part, column-major as stored (first index fastest). */
  data: MatTypedArray;
  /** MATLAB class: 'double', 'single', 'uint8', ... */
  class: string;
}

// Data types (miXXX) of data elements.
const MI_INT8 = 1,
  MI_UINT8 = 2,
  MI_INT16 = 3,
  MI_UINT16 = 4,
  MI_INT32 = 5,
  MI_UINT32 = 6,
  MI_SINGLE = 7,
  MI_DOUBLE = 9;
const MI_MATRIX = 14,
  MI_COMPRESSED = 15;

type ArrayCtor = { new (n: number): MatTypedArray; new (b: ArrayBuffer, off: number, n: number): MatTypedArray; BYTES_PER_ELEMENT: number };

const STORAGE: Record<number, ArrayCtor> = {
  [MI_INT8]: Int8Array,
  [MI_UINT8]: Uint8Array,
  [MI_INT16]: Int16Array,
  [MI_UINT16]: Uint16Array,
  [MI_INT32]: Int32Array,
  [MI_UINT32]: Uint32Array,
  [MI_SINGLE]: Float32Array,
  [MI_DOUBLE]: Float64Array,
};

// Array classes (mxXXX_CLASS) of numeric matrices; the stored type may be narrower (MATLAB
// writes a double array of small integers as miUINT8), so values are widened to the class.
const CLASSES: Record<number, [string, ArrayCtor]> = {
  6: ['double', Float64Array],
  7: ['single', Float32Array],
  8: ['int8', Int8Array],
  9: ['uint8', Uint8Array],
  10: ['int16', Int16Array],
  11: ['uint16', Uint16Array],
  12: ['int32', Int32Array],
  13: ['uint32', Uint32Array],
};

const FIX_V5 = 'Re-save it in MATLAB/Octave with `save -v7` (or scipy.io.savemat), which writes a Level 5 MAT-file';

interface Element {
  type: number;
  data: Buffer;
  /** Offset just after this element, including padding. */
  next: number;
}

/** Reads one data element tag at `pos`, handling the 4-byte "small data element" form. */
function readElement(buf: Buffer, pos: number, file: string, pad: boolean): Element {
  if (pos + 8 > buf.length)
    throw new DataError(`truncated: data element tag at byte ${pos} runs past the end`, file, 'Download or save the file again');
  const first = buf.readUInt32LE(pos);
  if (first >>> 16 !== 0) {
    // Small element: type in the low 16 bits, size in the high 16, up to 4 bytes of data inline.
    const bytes = first >>> 16;
    if (bytes > 4) throw new DataError(`malformed small data element at byte ${pos}`, file, 'Download or save the file again');
    return { type: first & 0xffff, data: buf.subarray(pos + 4, pos + 4 + bytes), next: pos + 8 };
  }
  const bytes = buf.readUInt32LE(pos + 4);
  const start = pos + 8;
  if (start + bytes > buf.length)
    throw new DataError(
      `truncated: data element at byte ${pos} declares ${bytes} bytes but only ${buf.length - start} remain`,
      file,
      'Download or save the file again',
    );
  // Elements inside a matrix are padded to 8 bytes; compressed top-level ones are not.
  const next = pad ? start + Math.ceil(bytes / 8) * 8 : start + bytes;
  return { type: first, data: buf.subarray(start, start + bytes), next: Math.min(next, buf.length) };
}

/** Copies a stored element into an aligned typed array of its storage type. */
function storageArray(el: Element, file: string, what: string): MatTypedArray {
  const Ctor = STORAGE[el.type];
  if (!Ctor) throw new DataError(`${what} has unsupported data type ${el.type}`, file, FIX_V5);
  const n = Math.floor(el.data.length / Ctor.BYTES_PER_ELEMENT);
  // A view is free when alignment allows (always for bytes); SVHN's X is ~225 MB of them.
  if (el.data.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(el.data.buffer as ArrayBuffer, el.data.byteOffset, n);
  const aligned = new ArrayBuffer(n * Ctor.BYTES_PER_ELEMENT);
  new Uint8Array(aligned).set(el.data.subarray(0, aligned.byteLength));
  return new Ctor(aligned, 0, n);
}

/** Parses an miMATRIX body; returns undefined for non-numeric arrays (cell, struct, char, sparse). */
function readMatrix(body: Buffer, file: string): [string, MatVariable] | undefined {
  const flagsEl = readElement(body, 0, file, true);
  if (flagsEl.type !== MI_UINT32 || flagsEl.data.length < 8) throw new DataError('malformed array flags', file, FIX_V5);
  const classId = flagsEl.data.readUInt32LE(0) & 0xff;
  const dimsEl = readElement(body, flagsEl.next, file, true);
  const dims = Array.from(storageArray(dimsEl, file, 'dimensions'), Number);
  const nameEl = readElement(body, dimsEl.next, file, true);
  const name = nameEl.data.toString('latin1');
  const cls = CLASSES[classId];
  if (!cls) return undefined;
  const realEl = readElement(body, nameEl.next, file, true);
  const stored = storageArray(realEl, file, `variable "${name}"`);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (stored.length !== expected)
    throw new DataError(
      `variable "${name}" has ${stored.length} values but dimensions ${dims.join('x')} need ${expected}`,
      file,
      'Download or save the file again',
    );
  let data: MatTypedArray = stored;
  if (!(stored instanceof cls[1])) {
    data = new cls[1](expected);
    data.set(stored);
  }
  return [name, { dims, data, class: cls[0] }];
}

export function readMat(path: string): Map<string, MatVariable> {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ENOENT' ? 'file not found (expected a MATLAB .mat file)' : (e as Error).message,
      path,
      'Check the path in the data spec (it is relative to the config file)',
    );
  }
  const text = buf.subarray(0, Math.min(116, buf.length)).toString('latin1');
  if (text.includes('MATLAB 7.3')) {
    throw new DataError(
      'is a MATLAB v7.3 (HDF5) file, which is not supported',
      path,
      'Re-save it with `save -v7` in MATLAB/Octave, or use the v5 train_32x32.mat / test_32x32.mat files from the SVHN site',
    );
  }
  if (buf.length < 128 || !text.startsWith('MATLAB'))
    throw new DataError('not a MATLAB Level 5 MAT-file (no 128-byte "MATLAB 5.0 MAT-file" header)', path, FIX_V5);
  const endian = buf.subarray(126, 128).toString('latin1');
  if (endian === 'MI')
    throw new DataError(
      'is a big-endian MAT-file, which is not supported',
      path,
      'Re-save it on a little-endian machine (any x86/ARM PC) with `save -v7`',
    );
  if (endian !== 'IM') throw new DataError(`bad endian indicator "${endian}"`, path, FIX_V5);
  const version = buf.readUInt16LE(124);
  if (version !== 0x0100) throw new DataError(`unsupported MAT-file version 0x${version.toString(16)}, expected 0x0100`, path, FIX_V5);

  const vars = new Map<string, MatVariable>();
  let pos = 128;
  while (pos + 8 <= buf.length) {
    const el = readElement(buf, pos, path, false);
    pos = el.next;
    let matrix = el;
    if (el.type === MI_COMPRESSED) {
      let inflated: Buffer;
      try {
        inflated = zlib.inflateSync(el.data);
      } catch (e) {
        throw new DataError(`corrupt compressed variable (${(e as Error).message})`, path, 'Download or save the file again');
      }
      matrix = readElement(inflated, 0, path, true);
    }
    if (matrix.type !== MI_MATRIX) continue; // other top-level elements carry no variables
    const v = readMatrix(matrix.data, path);
    if (v) vars.set(v[0], v[1]);
  }
  return vars;
}
