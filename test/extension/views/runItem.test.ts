/** A run row of the Runs view, from its run.json and its lock. */
import * as assert from 'node:assert/strict';
import { describeRun, type RunFacts } from '../../../src/extension/views/runItem';

const base: RunFacts = {
  runDir: '/ws/.dtn/runs/r1',
  info: { runId: 'r1', status: 'running', totalSteps: 400, backend: 'cpu', device: 'js' },
  lastStep: 40,
  state: { status: 'interrupted' },
  thisWindow: false,
};
const owner = { pid: 4242, hostname: 'here', startedAt: '2025-01-01T00:00:00.000Z', here: true };

describe('run items', () => {
  it('a run whose trainer is gone reads as interrupted, not running forever, and offers Resume', () => {
    const t = describeRun(base);
    assert.equal(t.description, 'interrupted · 40/400');
    assert.equal(t.icon, 'debug-disconnect');
    assert.equal(t.contextValue, 'dtnRunInterrupted');
    assert.match(t.tooltip, /no trainer holds the run.*after step 40/);
  });

  it('a run live in another process on this machine (a terminal run, a reloaded window) offers Stop', () => {
    const t = describeRun({ ...base, state: { status: 'running', owner } });
    assert.equal(t.description, 'running (process 4242) · 40/400');
    assert.equal(t.icon, 'sync~spin');
    assert.equal(t.contextValue, 'dtnRunLocked');
    assert.match(t.tooltip, /process 4242 on this machine.*Stop/);
  });

  it('a run live on another host: shown live, no Stop or Resume here', () => {
    const t = describeRun({ ...base, state: { status: 'running', owner: { ...owner, here: false, hostname: 'gpu-7' } } });
    assert.equal(t.description, 'running on gpu-7 · 40/400');
    assert.equal(t.contextValue, 'dtnRunElsewhere');
  });

  it('this window’s own run, and finished runs', () => {
    assert.equal(describeRun({ ...base, thisWindow: true, state: { status: 'running', owner } }).contextValue, 'dtnRunLive');
    const done = describeRun({ ...base, info: { ...base.info, status: 'completed', error: undefined }, state: { status: 'completed' } });
    assert.deepEqual([done.description, done.icon, done.contextValue], ['completed · 40/400', 'pass', 'dtnRun']);
    const failed = describeRun({ ...base, info: { status: 'failed', error: 'boom' }, state: { status: 'failed' } });
    assert.match(failed.tooltip, /error: boom/);
    assert.equal(failed.label, 'r1', 'the folder name without a runId');
    assert.equal(describeRun({ ...base, info: undefined, state: { status: undefined } }).description, 'unknown · 40/?');
  });

  it('a named run shows its name; the tooltip holds the whole name, the id and the notes, as text not Markdown', () => {
    const t = describeRun({ ...base, label: { name: 'lr **1e-3** [link](x)', notes: 'first line\nsecond' } });
    assert.equal(t.label, 'lr **1e-3** [link](x)');
    assert.match(t.tooltip, /lr \\\*\\\*1e\\-3\\\*\\\* \\\[link\\\]\\\(x\\\)/);
    assert.match(t.tooltip, /id r1 · \/ws\/\.dtn\/runs\/r1/);
    assert.match(t.tooltip, /first line {2}\nsecond/);
    assert.equal(describeRun(base).label, 'r1', 'without a label: the id');
  });
});
