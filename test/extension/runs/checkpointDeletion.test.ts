/** Delete in the Runs view: only a complete checkpoint in its run, never the live run's, never anything else. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { vetCheckpointDeletion } from '../../../src/extension/runs/checkpointDeletion';
import { checkpointPath, checkpointRelPath } from '../../../src/shared/node/runLayout';

function checkpoint(runDir: string, step: number, kind = 'dtn-checkpoint'): string {
  const dir = checkpointPath(runDir, step);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ format: 'dtn-tensors/1', meta: { kind, step } }));
  return dir;
}

describe('vetCheckpointDeletion', () => {
  let root: string;
  let run: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-del-'));
    run = path.join(root, 'runs', 'r1');
    fs.mkdirSync(run, { recursive: true });
    fs.writeFileSync(
      path.join(run, 'run.json'),
      JSON.stringify({ status: 'completed', best: { step: 2, accuracy: 0.5, checkpoint: checkpointRelPath(2) } }),
    );
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('allows a complete checkpoint of a finished run, saying whether it is the best or the last', () => {
    const two = checkpoint(run, 2);
    checkpoint(run, 4);
    assert.deepEqual(vetCheckpointDeletion(two, undefined), {
      ok: true,
      runDir: run,
      step: 2,
      last: false,
      best: true,
      runningElsewhere: false,
    });
    fs.rmSync(checkpointPath(run, 4), { recursive: true });
    const v = vetCheckpointDeletion(two, path.join(root, 'runs', 'other'));
    assert.ok(v.ok && v.last, 'the only checkpoint left is the last');
  });

  it('refuses every checkpoint of the run this window is training', () => {
    const two = checkpoint(run, 2);
    const v = vetCheckpointDeletion(two, path.join(run, '.'));
    assert.ok(!v.ok && /training in this window/.test(v.reason));
  });

  it('refuses a folder without a manifest, or with the manifest of an encoder', () => {
    const bare = checkpointPath(run, 6);
    fs.mkdirSync(bare, { recursive: true });
    assert.equal(vetCheckpointDeletion(bare, undefined).ok, false);
    assert.equal(vetCheckpointDeletion(checkpoint(run, 8, 'dtn-encoder'), undefined).ok, false);
  });

  it('refuses paths that are not <run>/checkpoints/step-XXXXXXXX: the run itself, elsewhere, crafted with ..', () => {
    checkpoint(run, 2);
    const stray = path.join(root, 'elsewhere', 'checkpoints', 'step-00000002');
    fs.mkdirSync(stray, { recursive: true });
    fs.copyFileSync(path.join(checkpointPath(run, 2), 'manifest.json'), path.join(stray, 'manifest.json'));
    for (const p of [
      run,
      path.join(run, 'checkpoints'),
      stray,
      path.join(checkpointPath(run, 2), '..', '..'),
      path.join(run, 'samples', 'step-00000002'),
      root,
      '/',
    ]) {
      assert.equal(vetCheckpointDeletion(p, undefined).ok, false, p);
    }
  });

  it('refuses a link to a checkpoint (it would delete what the link points at)', () => {
    const real = checkpoint(run, 2);
    const link = checkpointPath(run, 10);
    fs.symlinkSync(real, link);
    assert.equal(vetCheckpointDeletion(link, undefined).ok, false);
  });
});
