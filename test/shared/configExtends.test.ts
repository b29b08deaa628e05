import { strict as assert } from 'node:assert';
import { deepMerge, withExtends } from '../../src/shared/configExtends';
import { PRESETS } from '../../src/shared/presets';

describe('extends', () => {
  it('deepMerge merges objects key by key; arrays and scalars replace; undefined keeps the base', () => {
    const base = { a: { b: 1, c: [1, 2, 3] }, d: 'x', e: 5 };
    assert.deepEqual(deepMerge(base, { a: { c: [9] }, d: 'y', e: undefined }), { a: { b: 1, c: [9] }, d: 'y', e: 5 });
    assert.deepEqual(base, { a: { b: 1, c: [1, 2, 3] }, d: 'x', e: 5 }, 'the base is not modified');
  });

  it('deepMerge replaces an object of another kind instead of merging it', () => {
    const base = { source: { kind: 'synthetic-digits', count: 4000, handLettered: true }, train: { kind: 'x', a: 1 } };
    assert.deepEqual(deepMerge(base, { source: { kind: 'image-folder', path: 'photos' } }), {
      source: { kind: 'image-folder', path: 'photos' },
      train: { kind: 'x', a: 1 },
    });
    assert.deepEqual((deepMerge(base, { source: { kind: 'synthetic-digits', count: 80 } }) as typeof base).source, {
      kind: 'synthetic-digits',
      count: 80,
      handLettered: true,
    });
  });

  it('withExtends puts the preset under the file, and returns an unknown preset name instead of merging', () => {
    const { merged } = withExtends({ extends: 'digits-quick', train: { steps: 3 } }) as {
      merged: { train: { steps: number; batchSize: number } };
    };
    assert.equal(merged.train.steps, 3);
    assert.equal(merged.train.batchSize, PRESETS['digits-quick'].train.batchSize);
    assert.deepEqual(withExtends({ extends: 'digitz', seed: 1 }), { merged: { extends: 'digitz', seed: 1 }, unknownPreset: 'digitz' });
    assert.deepEqual(withExtends({ extends: 3 }), { merged: { extends: 3 } }, 'a non-string is left for the schema');
  });
});
