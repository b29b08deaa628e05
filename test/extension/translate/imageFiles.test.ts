/** A folder's images for the warm translator: own outputs skipped, requests per sub-folder and of bounded size. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chunkRequests, imagesUnder } from '../../../src/extension/translate/imageFiles';

describe('folder translation requests', () => {
  it('lists images (sub-folders too), skipping hidden files, non-images and translations', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-imgs-'));
    try {
      for (const f of ['b.png', 'a.JPG', 'a.dtn.png', 'a.dtn.input.png', 'a.dtn.x4.png', 'notes.txt', '.hidden.png', 'sub/c.webp']) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), '');
      }
      assert.deepEqual(
        imagesUnder(dir).map((f) => path.relative(dir, f)),
        ['a.JPG', 'b.png', path.join('sub', 'c.webp')],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('chunks by sub-folder into mirrored outputs, at most `size` files each', () => {
    const files = ['/in/1.png', '/in/2.png', '/in/3.png', '/in/s/4.png', '/in/5.png'].map((f) => path.resolve(f));
    const chunks = chunkRequests(path.resolve('/in'), files, path.resolve('/out'), 2);
    assert.deepEqual(
      chunks.map((c) => [c.inputs.length, path.relative(path.resolve('/out'), c.out)]),
      [
        [2, ''],
        [1, ''],
        [1, 's'],
        [1, ''],
      ],
    );
  });
});
