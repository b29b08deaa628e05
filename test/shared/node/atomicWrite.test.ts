import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../src/shared/node/atomicWrite';
import { cleanTempDirs, tempDir } from '../../trainer/data/tmp';

describe('writeFileAtomic', () => {
  after(cleanTempDirs);

  it('creates folders, replaces the file and leaves no temporary file', () => {
    const dir = tempDir('dtn-atomic-');
    const file = path.join(dir, 'samples', 'step-00000001.png');
    writeFileAtomic(file, 'first');
    writeFileAtomic(file, Buffer.from('second'));
    assert.equal(fs.readFileSync(file, 'utf8'), 'second');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['step-00000001.png']);
  });
});
