import { strict as assert } from 'node:assert';
import { isInside, isWithin } from '../../../src/shared/node/paths';

describe('path containment', () => {
  it('isInside: below the root only; the root itself, a sibling with the same prefix and .. escapes are not', () => {
    assert.ok(isInside('/w', '/w/x/y') && !isInside('/w', '/w') && !isInside('/w', '/wx/y'));
    assert.ok(!isInside('/w', '/w/x/../../etc/passwd') && !isInside('/w/x', '/w') && !isInside('/w', '/etc'));
    assert.ok(isInside('/w', '/w/..hidden'), 'a name that merely starts with two dots is inside');
  });

  it('isWithin: the root itself too', () => {
    assert.ok(isWithin('/w', '/w') && isWithin('/w', '/w/x') && !isWithin('/w', '/w2') && !isWithin('/w/x', '/w'));
  });
});
