import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import { InvalidArgumentError } from 'commander';
import {
  childThreads,
  parallelArg,
  parallelism,
  seedsArg,
  sweepNameArg,
  sweepSetArg,
} from '../../../src/trainer/cli/commands/sweepCommand';

describe('dtn sweep options', () => {
  it('--parallel: a count, or auto = the cores (1 on webgpu), never more than the runs to do', () => {
    assert.equal(parallelArg('3'), 3);
    assert.equal(parallelArg('auto'), 'auto');
    for (const bad of ['0', '-1', '1.5', 'all']) assert.throws(() => parallelArg(bad), InvalidArgumentError, bad);
    const cores = os.availableParallelism();
    assert.equal(parallelism('auto', 'cpu', 1000), cores);
    assert.equal(parallelism('auto', 'wasm', 1), 1);
    assert.equal(parallelism('auto', 'webgpu', 10), 1);
    assert.equal(parallelism(undefined, 'cpu', 10), 1);
    assert.equal(parallelism(4, 'cpu', 2), 2);
    assert.equal(parallelism(4, 'cpu', 0), 1);
  });

  it('runs side by side get an equal share of the physical cores (--threads), at least one each', () => {
    assert.equal(childThreads(1, 8), undefined, 'one run at a time keeps auto');
    assert.equal(childThreads(2, 8), 4);
    assert.equal(childThreads(3, 8), 2);
    assert.equal(childThreads(16, 8), 1);
  });

  it('reports bad --seeds, --set and --name as usage errors', () => {
    assert.deepEqual(seedsArg('1,2'), [1, 2]);
    assert.throws(() => seedsArg('1,a'), InvalidArgumentError);
    const sets = sweepSetArg('losses.gan=true,false', sweepSetArg('train.emaDecay=0,0.99'));
    assert.deepEqual(
      sets.map((s) => [s.key, s.values]),
      [
        ['train.emaDecay', [0, 0.99]],
        ['losses.gan', [true, false]],
      ],
    );
    assert.throws(() => sweepSetArg('train.emaDecay'), InvalidArgumentError);
    assert.equal(sweepNameArg('lr-width'), 'lr-width');
    for (const bad of ['../x', '.hidden', 'a/b', '']) assert.throws(() => sweepNameArg(bad), InvalidArgumentError, bad);
  });
});
