import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_FILES, TENSOR_MANIFEST, checkpointPath } from '../../../src/shared/node/runLayout';
import { removeLeftovers } from '../../../src/trainer/run/runLeftovers';
import { cleanTempDirs, tempDir } from '../data/tmp';

describe('crash leftovers of a run folder', () => {
  after(cleanTempDirs);

  it('removes temporary files of dead writers and unfinished checkpoint folders, and nothing else', () => {
    const run = tempDir('dtn-leftovers-');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      const file = (rel: string, text = 'x') => {
        fs.mkdirSync(path.dirname(path.join(run, rel)), { recursive: true });
        fs.writeFileSync(path.join(run, rel), text);
        return path.join(run, rel);
      };
      const gone = [
        file(`run.json.tmp-${dead}`),
        file(`metrics.jsonl.tmp-${dead}`),
        file(`lock.json.stale-${dead}`),
        file(`run.json.tmp-${process.pid}`),
        file(`samples/step-00000003.png.tmp-${dead}`),
        file(`eval/step-00000003.json.tmp-${dead}`),
        file(`checkpoints/.step-00000006.tmp-AbC123/tensors.bin`),
        file(`checkpoints/step-00000009/tensors.bin`),
      ].map((p) => (p.includes(`${path.sep}checkpoints${path.sep}`) ? path.dirname(p) : p));
      const kept = [
        file(RUN_FILES.run, '{}'),
        file(RUN_FILES.metrics, ''),
        file(`eval/step-00000003.md.tmp-${live.pid}`), // a `dtn eval` still writing
        file(`notes.tmp-${dead}`), // not a name of ours
        file(`samples/step-00000003.png`),
        file(`checkpoints/step-00000003/${TENSOR_MANIFEST}`, '{}'),
      ];
      const removed = removeLeftovers(run);
      assert.deepEqual(removed.sort(), gone.sort());
      for (const p of kept) assert.ok(fs.existsSync(p), p);
      assert.ok(fs.existsSync(checkpointPath(run, 3)));
      assert.deepEqual(removeLeftovers(run), [], 'nothing twice');
    } finally {
      live.kill();
    }
  });
});
