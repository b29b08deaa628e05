/** Delete Run: only a finished run folder of ours directly inside a run root; never a live one, never anything else. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deleteRun, vetRunDeletion } from '../../../src/extension/runs/runDeletion';
import { DtnError } from '../../../src/shared/errors';
import { acquireRunLock } from '../../../src/shared/node/runLock';

function makeRun(dir: string): string {
  fs.mkdirSync(path.join(dir, 'checkpoints', 'step-00000010'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ status: 'completed' }));
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), '');
  fs.writeFileSync(path.join(dir, 'label.json'), JSON.stringify({ name: 'baseline' }));
  return dir;
}

describe('run deletion', () => {
  let ws: string;
  let root: string;
  let run: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-rundel-'));
    root = path.join(ws, '.dtn', 'runs');
    run = makeRun(path.join(root, '20250101-120000-digits'));
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('a finished run in the run root is deleted whole, and nothing beside it', () => {
    const other = makeRun(path.join(root, 'other'));
    assert.deepEqual(vetRunDeletion(run, [root], undefined), { ok: true, runDir: run, name: 'baseline' });
    deleteRun(run, [root], undefined);
    assert.equal(fs.existsSync(run), false);
    assert.deepEqual(fs.readdirSync(root), ['other']);
    assert.ok(fs.existsSync(path.join(other, 'run.json')));
  });

  it('refuses folders outside the run root, nested deeper, or that hold no run', () => {
    const ablation = makeRun(path.join(ws, '.dtn', 'ablations', 'a1', 'full'));
    const refused = (d: string, re: RegExp) => {
      const v = vetRunDeletion(d, [root], undefined);
      assert.ok(!v.ok && re.test(v.reason), `${d}: ${JSON.stringify(v)}`);
    };
    refused(ablation, /not a run folder directly inside the run root/);
    refused(path.join(run, 'checkpoints'), /not a run folder directly inside/);
    refused(ws, /not a run folder directly inside/);
    refused(root, /not a run folder directly inside/);
    fs.mkdirSync(path.join(root, 'empty'));
    refused(path.join(root, 'empty'), /holds no run/);
    refused(path.join(root, 'missing'), /does not exist/);
    assert.throws(
      () => deleteRun(ablation, [root], undefined),
      (e: unknown) => e instanceof DtnError && e.code === 'RUN_INVALID',
    );
    assert.ok(fs.existsSync(ablation));
  });

  it('never follows a link, and refuses a run folder holding files the trainer did not write', () => {
    const outside = makeRun(path.join(ws, 'elsewhere'));
    fs.symlinkSync(outside, path.join(root, 'link'));
    const link = vetRunDeletion(path.join(root, 'link'), [root], undefined);
    assert.ok(!link.ok && /link is never followed/.test(link.reason));
    fs.writeFileSync(path.join(run, 'my-notes.md'), 'mine');
    const own = vetRunDeletion(run, [root], undefined);
    assert.ok(!own.ok && /my-notes\.md/.test(own.reason));
    assert.ok(fs.existsSync(path.join(outside, 'run.json')));
  });

  it('refuses the run this window trains and a run whose lock a live process holds (RUN_BUSY under the lock)', () => {
    const mine = vetRunDeletion(run, [root], run);
    assert.ok(!mine.ok && /training in this window/.test(mine.reason));
    const lock = acquireRunLock(run);
    try {
      const held = vetRunDeletion(run, [root], undefined);
      assert.ok(!held.ok && new RegExp(`process ${process.pid}`).test(held.reason));
      assert.throws(() => deleteRun(run, [root], undefined), DtnError);
      assert.ok(fs.existsSync(path.join(run, 'run.json')));
    } finally {
      lock.release();
    }
  });
});
