import { strict as assert } from 'node:assert';
import { MAX_THREADS, parseThreadsChoice } from '../../src/shared/threads';

describe('threads choice', () => {
  it('reads auto and whole counts, with spaces and any case', () => {
    assert.deepEqual(parseThreadsChoice('auto'), { threads: 'auto' });
    assert.deepEqual(parseThreadsChoice(' AUTO '), { threads: 'auto' });
    assert.deepEqual(parseThreadsChoice('1'), { threads: 1 });
    assert.deepEqual(parseThreadsChoice('16'), { threads: 16 });
    assert.deepEqual(parseThreadsChoice(String(MAX_THREADS)), { threads: MAX_THREADS });
  });

  it('refuses anything else, saying what it takes', () => {
    for (const bad of ['0', '-1', '1.5', '2x', '', 'all', String(MAX_THREADS + 1), '1e2']) {
      const parsed = parseThreadsChoice(bad);
      assert.ok('problem' in parsed, `accepted "${bad}"`);
      assert.match(parsed.problem, /threads must be auto \(the physical cores\) or a whole number from 1 to 256/);
      assert.ok(parsed.problem.includes(`"${bad}"`));
    }
  });
});
