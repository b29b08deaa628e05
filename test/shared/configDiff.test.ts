/** Config flattening and diffing for the comparison panel. */
import * as assert from 'node:assert/strict';
import { DtnConfigSchema } from '../../src/shared/config';
import { diffConfigs, flattenConfig, formatFlatValue } from '../../src/shared/configDiff';
import { PRESETS } from '../../src/shared/presets';

describe('config flattening and diff', () => {
  it('flattens nested objects into dotted keys; arrays of plain values stay one value', () => {
    const flat = flattenConfig({
      $schema: './x.json',
      seed: 3,
      losses: { tid: false, alpha: 15 },
      architecture: { encoderWidths: [16, 32, 64] },
      source: { kind: 'synthetic-digits', count: 400 },
      list: [{ a: 1 }, { a: 2 }],
      nothing: null,
    });
    assert.deepEqual(flat, {
      seed: 3,
      'losses.tid': false,
      'losses.alpha': 15,
      'architecture.encoderWidths': '[16,32,64]',
      'source.kind': 'synthetic-digits',
      'source.count': 400,
      'list.0.a': 1,
      'list.1.a': 2,
      nothing: null,
    });
  });

  it('two configs that differ in losses.tid and seed differ in exactly those keys', () => {
    const base = DtnConfigSchema.parse(PRESETS['digits-quick']);
    const other = { ...base, seed: base.seed + 4, losses: { ...base.losses, tid: false } };
    const rows = diffConfigs([flattenConfig(base), flattenConfig(other)]);
    assert.deepEqual(
      rows.map((r) => r.key),
      ['seed', 'losses.tid'],
    );
    assert.deepEqual(rows[1].values, [true, false]);
    assert.ok(rows.every((r) => !r.same));
  });

  it('with includeSame lists every key in the config order and marks the shared ones', () => {
    const rows = diffConfigs([flattenConfig({ a: 1, b: { c: 2 } }), flattenConfig({ a: 1, b: { c: 3 } })], { includeSame: true });
    assert.deepEqual(
      rows.map((r) => [r.key, r.same]),
      [
        ['a', true],
        ['b.c', false],
      ],
    );
  });

  it('a key only one run has differs; a run without a config takes no part', () => {
    const rows = diffConfigs([{ a: 1, 'train.learningRateDecay': 'linear' }, { a: 1 }, undefined]);
    assert.deepEqual(rows, [{ key: 'train.learningRateDecay', values: ['linear', undefined, undefined], same: false }]);
    assert.deepEqual(diffConfigs([{ a: 1 }, undefined]), []);
    assert.deepEqual(diffConfigs([]), []);
  });

  it('formats values for the table', () => {
    assert.equal(formatFlatValue(undefined), '—');
    assert.equal(formatFlatValue(false), 'false');
    assert.equal(formatFlatValue(0.0002), '2e-4');
    assert.equal(formatFlatValue(0.5), '0.5');
    assert.equal(formatFlatValue(2e-5), '2e-5');
    assert.equal(formatFlatValue(15), '15');
    assert.equal(formatFlatValue('[16,32,64]'), '[16,32,64]');
  });
});
