import { strict as assert } from 'node:assert';
import type { TrainerMessage } from '../../../../src/shared/protocol';
import { PlanNote, type RunnerPlan } from '../../../../src/trainer/run/hooks/planNote';
import { runInfo } from '../../helpers';

describe('plan note', () => {
  function note(backend: string, plans: RunnerPlan[]) {
    const info = runInfo({ backendReason: 'auto' });
    const messages: TrainerMessage[] = [];
    const p = new PlanNote(backend, info, (m) => messages.push(m));
    for (const plan of plans) p.check(plan);
    return { reason: info.backendReason, messages };
  }

  it('waits until the runner has decided, then notes a replayed plan once in run.json', () => {
    const undecided: RunnerPlan = { mode: 'tfjs' };
    const planned: RunnerPlan = { mode: 'planned', dispatches: 42, tuned: { rows: [1], summary: 'conv tuning: 2 faster' } };
    const r = note('webgpu', [undecided, planned, planned]);
    assert.equal(r.reason, 'auto; conv tuning: 2 faster; steps replay a recorded step (42 dispatches)');
    assert.deepEqual(r.messages, [{ type: 'status', phase: 'backend', message: 'conv tuning: 2 faster' }]);
  });

  it('warns when WebGPU steps fall back to tfjs, and when tuning failed; says nothing on cpu', () => {
    const fallback: RunnerPlan = { mode: 'tfjs', reason: 'unsupported op', tuned: { rows: [], summary: 'conv tuning failed' } };
    const r = note('webgpu', [fallback]);
    assert.deepEqual(
      r.messages.map((m) => m.type),
      ['warning', 'warning'],
    );
    assert.match(JSON.stringify(r.messages[1]), /runs through tfjs instead of a replayed plan \(slower\): unsupported op/);
    assert.deepEqual(note('cpu', [{ mode: 'tfjs', reason: 'not webgpu' }]), { reason: 'auto', messages: [] });
  });
});
