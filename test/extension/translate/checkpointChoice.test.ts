/** Which checkpoint translates: last chosen, else the newest run's best, else its newest; over fake run folders. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseCheckpoint, describeCheckpoint, runCheckpoints } from '../../../src/extension/translate/checkpointChoice';
import { bestCheckpointOf } from '../../../src/shared/node/runFiles';
import { checkpointPath } from '../../../src/shared/node/runLayout';

describe('checkpoint choice', () => {
  let root: string;
  const run = (name: string, steps: number[], extra: { best?: unknown; evals?: Record<number, number> } = {}) => {
    const dir = path.join(root, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ runId: name, ...(extra.best ? { best: extra.best } : {}) }));
    const lines = Object.entries(extra.evals ?? {}).map(([s, accuracy]) => {
      const loss = { D: 1, GANG: 1, CONST: 1, TID: 1, TV: 1, G: 1 };
      const rec = { step: Number(s), loss, msPerStep: 1, imgPerSec: 1, time: 't', eval: { accuracy, fConstancy: 0.1, count: 10 } };
      return JSON.stringify(rec);
    });
    fs.writeFileSync(path.join(dir, 'metrics.jsonl'), `${lines.join('\n')}\n{torn`);
    for (const s of steps) {
      fs.mkdirSync(checkpointPath(dir, s), { recursive: true });
      fs.writeFileSync(path.join(checkpointPath(dir, s), 'manifest.json'), '{}');
    }
    // An interrupted write has no manifest: never offered.
    fs.mkdirSync(checkpointPath(dir, 999), { recursive: true });
    return dir;
  };

  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-choice-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lists complete checkpoints newest first, with the accuracy evaluated at their step', () => {
    const dir = run('a', [100, 200], { evals: { 100: 0.5, 150: 0.6 } });
    const all = runCheckpoints(dir);
    assert.deepEqual(
      all.map((c) => [c.step, c.accuracy, c.runId]),
      [
        [200, undefined, 'a'],
        [100, 0.5, 'a'],
      ],
    );
    assert.ok(all[0].time > 0);
    assert.equal(describeCheckpoint(all[1]), 'a · step 100 · accuracy 50.0%');
    // A named run shows its name.
    fs.writeFileSync(path.join(dir, 'label.json'), JSON.stringify({ name: 'lower lr' }));
    assert.equal(describeCheckpoint(runCheckpoints(dir)[1]), 'lower lr · step 100 · accuracy 50.0%');
  });

  it('the last chosen checkpoint wins while it exists', () => {
    const old = run('old', [10, 20]);
    const newest = run('new', [30], { best: { step: 30, accuracy: 0.9, checkpoint: checkpointPath(path.join(root, 'new'), 30) } });
    const c = chooseCheckpoint([newest, old], checkpointPath(old, 10));
    assert.equal(c?.reason, 'chosen');
    assert.equal(c?.step, 10);
    assert.equal(c?.runDir, old);
    fs.rmSync(checkpointPath(old, 10), { recursive: true });
    assert.equal(chooseCheckpoint([newest, old], checkpointPath(old, 10))?.reason, 'best');
  });

  it('else the newest run’s best (found by its step), else its newest checkpoint', () => {
    const newest = run('new', [100, 200, 300], { best: { step: 200, accuracy: 0.8, checkpoint: 'checkpoints/step-00000200' } });
    assert.equal(bestCheckpointOf(newest)?.path, checkpointPath(newest, 200));
    const c = chooseCheckpoint([newest]);
    assert.deepEqual([c?.reason, c?.step], ['best', 200]);

    // The recorded checkpoint text never builds a path: one crafted to leave the run is ignored.
    const crafted = run('crafted', [100, 200], { best: { step: 100, accuracy: 0.5, checkpoint: '../new/checkpoints/step-00000300' } });
    assert.equal(bestCheckpointOf(crafted)?.path, checkpointPath(crafted, 100));
    assert.deepEqual([chooseCheckpoint([crafted])?.reason, chooseCheckpoint([crafted])?.step], ['best', 100]);

    // A best that points nowhere, or a malformed one: the newest checkpoint.
    const gone = run('gone', [100, 200], { best: { step: 999, checkpoint: 'nope' } });
    assert.deepEqual([chooseCheckpoint([gone])?.reason, chooseCheckpoint([gone])?.step], ['newest', 200]);
    const odd = run('odd', [5], { best: 'yes' });
    assert.equal(chooseCheckpoint([odd])?.reason, 'newest');
  });

  it('skips runs without checkpoints; none at all gives nothing', () => {
    const empty = run('empty', []);
    const older = run('older', [40]);
    assert.equal(chooseCheckpoint([empty, older])?.runDir, older);
    assert.equal(chooseCheckpoint([empty]), undefined);
    assert.equal(chooseCheckpoint([], path.join(root, 'missing')), undefined);
  });
});
