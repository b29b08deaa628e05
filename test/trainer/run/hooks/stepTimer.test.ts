import { strict as assert } from 'node:assert';
import { StepTimer } from '../../../../src/trainer/run/hooks/stepTimer';

describe('step timer', () => {
  const loss = { D: 1, GANG: null, CONST: 0, TID: 0, TV: null, G: 1 };

  it('times the steps since the last restart: ms per step and images per second', async () => {
    const timer = new StepTimer(4);
    timer.tick();
    timer.tick();
    await new Promise((r) => setTimeout(r, 20));
    const r = timer.record(2, loss);
    assert.equal(r.step, 2);
    assert.deepEqual(r.loss, loss);
    assert.ok(r.msPerStep >= 9, `${r.msPerStep}`);
    assert.ok(Math.abs(r.imgPerSec - (2 * 4 * 1000) / (2 * r.msPerStep)) < 1e-6 * r.imgPerSec);
    assert.ok(!Number.isNaN(Date.parse(r.time)));
    timer.restart();
    timer.tick();
    assert.ok(timer.record(3, loss).msPerStep < r.msPerStep, 'a restart starts a new interval');
  });
});
