import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSampleIndex } from '../../../src/shared/node/runFiles';
import { sampleIndexPath } from '../../../src/shared/node/runLayout';
import { index8 } from '../sampleIndexFixture';

describe('run files: samples/index.json', () => {
  let run: string;
  beforeEach(() => {
    run = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-index-'));
    fs.mkdirSync(path.join(run, 'samples'));
  });
  afterEach(() => fs.rmSync(run, { recursive: true, force: true }));

  it('reads a valid index; a missing one is no problem (older runs)', () => {
    assert.deepEqual(readSampleIndex(run), {});
    fs.writeFileSync(sampleIndexPath(run), JSON.stringify(index8));
    assert.deepEqual(readSampleIndex(run), { index: index8 });
  });

  it('names the file, what is wrong and the fix when it is unusable', () => {
    fs.writeFileSync(sampleIndexPath(run), '{"kind": "dtn-sample-index",');
    assert.match(readSampleIndex(run).problem!, /index\.json is not readable JSON .* Delete it/);
    fs.writeFileSync(sampleIndexPath(run), JSON.stringify({ ...index8, count: 3 }));
    const { index, problem } = readSampleIndex(run);
    assert.equal(index, undefined);
    assert.ok(problem!.startsWith(sampleIndexPath(run)));
    assert.match(problem!, /tiles must list one entry per tile.*Delete it/);
  });
});
