import * as assert from 'node:assert/strict';
import type { TrainerMessage } from '../../../src/shared/protocol';
import { initialLiveRun, reduceLiveRun, summarizeRun } from '../../../src/extension/runs/liveRunState';
import { etaMs, formatDuration, formatLoss } from '../../../src/shared/trainingProgress';

const metrics = (step: number, ms = 100): TrainerMessage => ({
  type: 'metrics',
  record: { step, loss: { D: 1, GANG: 2, CONST: 0.1, TID: 0.2, TV: null, G: 5 }, msPerStep: ms, imgPerSec: 320, time: '' },
  totalSteps: 100,
});

describe('live run state (status bar, Stop)', () => {
  it('follows a run from start to done', () => {
    let s = initialLiveRun('/ws/.dtn/runs/x');
    s = reduceLiveRun(s, { type: 'status', phase: 'backend', message: 'initialising' });
    assert.equal(s.phase, 'starting');
    assert.equal(s.statusText, 'initialising');
    s = reduceLiveRun(s, {
      type: 'started',
      runId: 'x',
      runDir: '/ws/.dtn/runs/x',
      backend: 'cpu',
      backendReason: '',
      device: 'cpu',
      configHash: 'h',
      startStep: 0,
      totalSteps: 100,
    });
    assert.equal(s.phase, 'training');
    for (let i = 1; i <= 30; i++) s = reduceLiveRun(s, metrics(i));
    assert.equal(s.step, 30);
    assert.equal(s.recent.length, 20, 'keeps a bounded window');
    assert.equal(s.loss?.G, 5);
    assert.equal(etaMs(s.recent, s.totalSteps), 70 * 100);
    s = reduceLiveRun(s, { type: 'checkpoint', step: 30, path: '/c/30' });
    s = reduceLiveRun(s, { type: 'done', reason: 'stopped', step: 30, runDir: '/ws/.dtn/runs/x', checkpoint: '/c/30' });
    assert.equal(s.phase, 'finished');
    assert.equal(s.lastCheckpoint, '/c/30');
  });

  it('summarizes a run for the panels: the live trainer wins over run.json', () => {
    const info = { runId: 'x', status: 'running' as const, totalSteps: 100, lastStep: 20 };
    const offline = summarizeRun('/r/x', info, 25);
    assert.deepEqual([offline.status, offline.managed, offline.lastStep], ['running', false, 25]);
    const live = { ...initialLiveRun('/r/x', 100), phase: 'training' as const, step: 31 };
    const managed = summarizeRun('/r/x', info, 25, live);
    assert.deepEqual([managed.status, managed.managed, managed.lastStep], ['running', true, 31]);
    assert.equal(summarizeRun('/r/y', undefined, undefined).status, 'unknown');
  });

  it('reads a run through its lock: interrupted when its trainer is gone, stoppable when another process here holds it', () => {
    const info = { runId: 'x', status: 'running' as const, totalSteps: 100, lastStep: 20 };
    const gone = summarizeRun('/r/x', info, 25, undefined, { status: 'interrupted' });
    assert.deepEqual([gone.status, gone.managed, gone.stoppable], ['interrupted', false, false]);
    const owner = { pid: 7, hostname: 'h', startedAt: '', here: true };
    const terminal = summarizeRun('/r/x', info, 25, undefined, { status: 'running', owner });
    assert.deepEqual([terminal.status, terminal.managed, terminal.stoppable], ['running', false, true]);
    const remote = summarizeRun('/r/x', info, 25, undefined, { status: 'running', owner: { ...owner, here: false } });
    assert.equal(remote.stoppable, false, 'another host: nothing to signal from here');
    const live = { ...initialLiveRun('/r/x', 100), phase: 'training' as const, step: 31 };
    const mine = summarizeRun('/r/x', info, 25, live, { status: 'interrupted' });
    assert.deepEqual([mine.status, mine.managed, mine.stoppable], ['running', true, true], 'this window’s trainer wins');
  });

  it('formats numbers for people', () => {
    assert.equal(formatDuration(undefined), '–');
    assert.equal(formatDuration(42_000), '42s');
    assert.equal(formatDuration(125_000), '2m 05s');
    assert.equal(formatDuration(3_700_000), '1h 01m');
    assert.equal(formatLoss(null), '–');
    assert.equal(formatLoss(15.7734), '15.773');
    assert.equal(formatLoss(0.00004), '4.00e-5');
  });
});
