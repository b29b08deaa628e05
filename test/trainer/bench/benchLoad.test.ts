import { strict as assert } from 'node:assert';
import { bestAnchor } from '../../../src/trainer/bench/bench';
import { formatLoad, ratioAllowed } from '../../../src/trainer/bench/benchLoad';
import { anchorThreadsArg } from '../../../src/trainer/cli/commands/benchCommand';

const load = (one: number) => ({ one, five: 0.1, fifteen: 0.1 });

describe('bench: ratio only on a quiet machine', () => {
  it('prints a ratio when the 1-minute load was at most 0.5 when the bench began', () => {
    assert.deepEqual(ratioAllowed(load(0.12), false), { ok: true });
    assert.deepEqual(ratioAllowed(load(0.5), false), { ok: true });
  });

  it('refuses it above 0.5, saying the load and how to get one', () => {
    const v = ratioAllowed(load(0.51), false);
    assert.equal(v.ok, false);
    assert.ok(!v.ok && /load average was 0\.51 when the bench began \(above 0\.5\)/.test(v.why));
    assert.ok(!v.ok && /rerun on a quiet machine, or add --force/.test(v.why));
  });

  it('--force prints it anyway, marked as indicative', () => {
    const v = ratioAllowed(load(3.2), true);
    assert.ok(v.ok && v.note && /3\.20 .*--force.*indicative only/.test(v.note));
  });

  it('formats the load average line', () => {
    assert.equal(formatLoad('before', { one: 0.1, five: 1.234, fifteen: 2 }), 'dtn bench: load before 0.10 1.23 2.00 (1, 5, 15 min)');
  });
});

describe('bench: the PyTorch anchor at its best thread count', () => {
  it('--anchor-threads takes a list of positive counts, once each', () => {
    assert.deepEqual(anchorThreadsArg('1,2'), [1, 2]);
    assert.deepEqual(anchorThreadsArg(' 4 , 1,4'), [4, 1]);
    for (const bad of ['', '0', '1,,2', 'two', '1.5']) assert.throws(() => anchorThreadsArg(bad), /positive integers/, bad);
  });

  it('the ratio is taken against the fastest run', () => {
    const runs = [
      { threads: 1, msPerStep: 1263, line: 'a' },
      { threads: 2, msPerStep: 2076, line: 'b' },
    ];
    assert.equal(bestAnchor(runs)?.threads, 1);
    assert.equal(bestAnchor([])?.threads, undefined);
  });
});
