/** Run names and notes: what is accepted (the same rule for `dtn train --name`, Rename and label.json) and the default name. */
import * as assert from 'node:assert/strict';
import { defaultRunName, RunLabelSchema, runLabelFromArg, runNameProblem, runNotesProblem, shortRunId } from '../../src/shared/runLabel';

describe('run labels', () => {
  it('accepts a plain name (trimmed) and refuses empty, overlong or multi-line ones with a reason', () => {
    assert.equal(runNameProblem('lr 1e-3, no TID'), undefined);
    assert.equal(RunLabelSchema.parse({ name: '  spaced  ' }).name, 'spaced');
    assert.match(runNameProblem('   ') ?? '', /empty/);
    assert.match(runNameProblem('x'.repeat(101)) ?? '', /at most 100/);
    assert.match(runNameProblem('two\nlines') ?? '', /control characters/);
    assert.match(runNameProblem('tab\there') ?? '', /control characters/);
    assert.equal(runNotesProblem('line one\nline two'), undefined);
    assert.match(runNotesProblem('n'.repeat(4001)) ?? '', /at most 4000/);
  });

  it('keeps fields it does not know (a newer version wrote them) and drops a label without a name', () => {
    assert.deepEqual(RunLabelSchema.parse({ name: 'a', tags: ['x'] }), { name: 'a', tags: ['x'] });
    assert.equal(RunLabelSchema.safeParse({ notes: 'only notes' }).success, false);
  });

  it('the default name is the config name and a short id that differs between runs of the same config', () => {
    const a = defaultRunName('digits-quick', '20250101-120000-digits-quick');
    const b = defaultRunName('digits-quick', '20250101-120001-digits-quick');
    assert.match(a, /^digits-quick-[0-9a-z]{5}$/);
    assert.notEqual(a, b);
    assert.equal(a, defaultRunName('digits-quick', '20250101-120000-digits-quick'), 'stable for a run');
    assert.equal(shortRunId('x').length, 5);
    assert.equal(runNameProblem(defaultRunName('n'.repeat(300), 'id')), undefined, 'a long config name still gives a valid name');
  });

  it('takes a label passed to a command as an argument, and nothing else there', () => {
    assert.deepEqual(runLabelFromArg({ name: ' sweep 3 ', notes: ' lr 1e-3 ' }), { name: 'sweep 3', notes: 'lr 1e-3' });
    assert.deepEqual(runLabelFromArg({ name: 'plain', notes: '  ' }), { name: 'plain' });
    // A tree's selection, a URI-like object, a bad name: not a label, so the command asks.
    for (const arg of [undefined, [{ name: 'a' }], { path: '/x' }, { name: '' }, { name: 'two\nlines' }, 'name'])
      assert.equal(runLabelFromArg(arg), undefined, JSON.stringify(arg));
  });
});
