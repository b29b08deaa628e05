import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readMat } from '../../../src/trainer/data/matV5';
import { DataError } from '../../../src/trainer/data/imageSet';
import { cleanTempDirs, tempDir } from './tmp';
import { header, MI, MX, writeMat, WriteVar } from './matWriter';

const vars: WriteVar[] = [
  { name: 'a', mxClass: MX.DOUBLE, dims: [2, 3], miType: MI.DOUBLE, values: [1.5, -2, 3, 4, 5, 6.25] },
  { name: 'bytes', mxClass: MX.UINT8, dims: [1, 4], miType: MI.UINT8, values: [0, 7, 200, 255] },
  { name: 'narrow', mxClass: MX.DOUBLE, dims: [3, 1], miType: MI.UINT8, values: [1, 10, 250] },
  { name: 's', mxClass: MX.SINGLE, dims: [1, 2], miType: MI.SINGLE, values: [0.5, -1] },
  { name: 'i16', mxClass: MX.INT16, dims: [1, 3], miType: MI.INT16, values: [-300, 0, 300] },
  { name: 'u16', mxClass: MX.UINT16, dims: [1, 1], miType: MI.UINT16, values: [65535] },
  { name: 'i32', mxClass: MX.INT32, dims: [2, 1], miType: MI.INT32, values: [-70000, 70000] },
  { name: 'u32', mxClass: MX.UINT32, dims: [1, 1], miType: MI.UINT32, values: [4000000000] },
  { name: 'i8', mxClass: MX.INT8, dims: [1, 2], miType: MI.INT8, values: [-128, 127] },
  { name: 'txt', mxClass: MX.CHAR, dims: [1, 2], miType: MI.UINT16, values: [104, 105] },
];

describe('readMat', () => {
  let dir: string;
  before(() => (dir = tempDir()));
  after(cleanTempDirs);

  for (const compressed of [false, true]) {
    for (const smallName of [true, false]) {
      it(`reads numeric variables (${compressed ? 'miCOMPRESSED' : 'uncompressed'}, ${smallName ? 'small' : 'full'} name tags)`, () => {
        const f = path.join(dir, `v-${compressed}-${smallName}.mat`);
        fs.writeFileSync(f, writeMat(vars, { compressed, smallName }));
        const m = readMat(f);
        assert.deepEqual([...m.keys()].sort(), ['a', 'bytes', 'i16', 'i32', 'i8', 'narrow', 's', 'u16', 'u32']);
        const a = m.get('a')!;
        assert.deepEqual(a.dims, [2, 3]);
        assert.equal(a.class, 'double');
        assert.ok(a.data instanceof Float64Array);
        assert.deepEqual(Array.from(a.data), [1.5, -2, 3, 4, 5, 6.25]);
        const b = m.get('bytes')!;
        assert.ok(b.data instanceof Uint8Array);
        assert.deepEqual(Array.from(b.data), [0, 7, 200, 255]);
        // Narrow storage widened to the class.
        const n = m.get('narrow')!;
        assert.equal(n.class, 'double');
        assert.ok(n.data instanceof Float64Array);
        assert.deepEqual(Array.from(n.data), [1, 10, 250]);
        assert.deepEqual(Array.from(m.get('s')!.data), [0.5, -1]);
        assert.deepEqual(Array.from(m.get('i16')!.data), [-300, 0, 300]);
        assert.deepEqual(Array.from(m.get('u16')!.data), [65535]);
        assert.deepEqual(Array.from(m.get('i32')!.data), [-70000, 70000]);
        assert.deepEqual(Array.from(m.get('u32')!.data), [4000000000]);
        assert.deepEqual(Array.from(m.get('i8')!.data), [-128, 127]);
        assert.equal(m.get('i8')!.class, 'int8');
      });
    }
  }

  function rejects(name: string, buf: Buffer, pattern: RegExp): void {
    const f = path.join(dir, name);
    fs.writeFileSync(f, buf);
    assert.throws(
      () => readMat(f),
      (e: unknown) => {
        assert.ok(e instanceof DataError, String(e));
        assert.equal(e.file, f);
        assert.match(e.message, pattern);
        return true;
      },
    );
  }

  it('rejects v7.3 (HDF5) files with a re-save hint', () => {
    rejects(
      'h5.mat',
      Buffer.concat([header('MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: x HDF5 schema 1.00 .'), Buffer.alloc(512)]),
      /7\.3.*HDF5.*save -v7/,
    );
  });

  it('rejects big-endian files', () => {
    rejects('be.mat', header(undefined, 'MI', 0x0001), /big-endian/);
  });

  it('rejects files without a MAT header', () => {
    rejects('junk.mat', Buffer.from('hello world, definitely not a mat file'), /not a MATLAB Level 5/);
  });

  it('rejects truncated data', () => {
    const full = writeMat(vars.slice(0, 1));
    rejects('trunc.mat', full.subarray(0, full.length - 20), /truncated/);
  });

  it('rejects a missing file', () => {
    const f = path.join(dir, 'absent.mat');
    assert.throws(
      () => readMat(f),
      (e: unknown) => e instanceof DataError && e.file === f && /not found/.test(e.message),
    );
  });
});
