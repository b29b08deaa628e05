import { strict as assert } from 'node:assert';
import { ConfigError, SAFE_NAME, parseConfig } from '../../../src/shared/config';
import { PRESETS } from '../../../src/shared/presets';
import {
  overrideArgs,
  parseSeeds,
  parseSweepSet,
  planSweep,
  runConfig,
  runName,
  splitValues,
  variantProduct,
} from '../../../src/trainer/sweep/sweepSpec';

const base = () => parseConfig(PRESETS['digits-quick']);

describe('sweep/sweepSpec', () => {
  it('splits value lists on top-level commas only', () => {
    assert.deepEqual(splitValues('0,0.99'), ['0', '0.99']);
    assert.deepEqual(splitValues('[16,32,64]'), ['[16,32,64]']);
    assert.deepEqual(splitValues('[8,8,8], [16,16,16]'), ['[8,8,8]', '[16,16,16]']);
    assert.deepEqual(splitValues('{"a":[1,2]},"x,y",z'), ['{"a":[1,2]}', '"x,y"', 'z']);
    assert.deepEqual(splitValues('"a\\",b",c'), ['"a\\",b"', 'c']);
  });

  it('reads a --set list: JSON values, a JSON array as one value, no empty or repeated values', () => {
    assert.deepEqual(parseSweepSet('train.emaDecay=0,0.99'), { key: 'train.emaDecay', values: [0, 0.99] });
    assert.deepEqual(parseSweepSet('architecture.encoderWidths=[16,32,64]'), { key: 'architecture.encoderWidths', values: [[16, 32, 64]] });
    assert.deepEqual(parseSweepSet('losses.constDistance=mse,cosine'), { key: 'losses.constDistance', values: ['mse', 'cosine'] });
    assert.throws(() => parseSweepSet('train.emaDecay=0,,1'), ConfigError);
    assert.throws(() => parseSweepSet('train.emaDecay=0,0'), /listed twice/);
    assert.throws(() => parseSweepSet('emaDecay'), /expected <dotted\.path>=<value>/);
  });

  it('reads seeds', () => {
    assert.deepEqual(parseSeeds('1,2, 3'), [1, 2, 3]);
    assert.throws(() => parseSeeds('1,x'), /"x" is not a non-negative integer/);
    assert.throws(() => parseSeeds('-1'), ConfigError);
    assert.throws(() => parseSeeds('1,1'), /listed twice/);
  });

  it('makes every combination of the value lists, with readable ids', () => {
    const variants = variantProduct([parseSweepSet('train.emaDecay=0,0.99'), parseSweepSet('losses.constDistance=mse,cosine,"a b"')]);
    assert.deepEqual(
      variants.map((v) => v.id),
      [
        'emaDecay=0 constDistance=mse',
        'emaDecay=0 constDistance=cosine',
        'emaDecay=0 constDistance=a b',
        'emaDecay=0.99 constDistance=mse',
        'emaDecay=0.99 constDistance=cosine',
        'emaDecay=0.99 constDistance=a b',
      ],
    );
    assert.deepEqual(variants[4].overrides, [
      { key: 'train.emaDecay', value: 0.99 },
      { key: 'losses.constDistance', value: 'cosine' },
    ]);
    assert.deepEqual(variantProduct([]), [{ id: 'base', overrides: [] }]);
    // A single-value --set applies to every variant: the ids leave it out (unless nothing varies).
    const fixed = variantProduct([parseSweepSet('train.steps=500'), parseSweepSet('train.emaDecay=0,0.99')]);
    assert.deepEqual(
      fixed.map((v) => [v.id, v.overrides.length]),
      [
        ['emaDecay=0', 2],
        ['emaDecay=0.99', 2],
      ],
    );
    assert.equal(variantProduct([parseSweepSet('train.steps=500')])[0].id, 'steps=500');
    // Two keys that end alike are told apart by their whole path.
    const widths = variantProduct([parseSweepSet('architecture.embeddingSize=8'), parseSweepSet('eval.classifier.embeddingSize=4')]);
    assert.equal(widths[0].id, 'architecture.embeddingSize=8 eval.classifier.embeddingSize=4');
    assert.throws(() => variantProduct([parseSweepSet('seed=1'), parseSweepSet('seed=2')]), /given twice/);
  });

  it('names runs safely and uniquely, however odd the values', () => {
    const variants = variantProduct([
      parseSweepSet('architecture.encoderWidths=[16,32,64],[8,8,8]'),
      parseSweepSet(`name=${'x'.repeat(60)}`),
    ]);
    const names = variants.flatMap((v, i) => [1, 2].map((seed) => runName(i, v, seed)));
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.match(n, SAFE_NAME);
    assert.equal(runName(0, { id: 'emaDecay=0.99', overrides: [] }, 3), 'v1-emaDecay_0.99-seed3');
    assert.equal(runName(1, { id: '../..', overrides: [] }, 1), 'v2-seed1');
  });

  it('plans variants × seeds and validates every config before anything runs', () => {
    const plan = planSweep(base(), [parseSweepSet('train.emaDecay=0,0.99')], [1, 2]);
    assert.deepEqual(
      plan.runs.map((r) => [r.name, r.variant, r.seed, r.state]),
      [
        ['v1-emaDecay_0-seed1', 0, 1, 'pending'],
        ['v1-emaDecay_0-seed2', 0, 2, 'pending'],
        ['v2-emaDecay_0.99-seed1', 1, 1, 'pending'],
        ['v2-emaDecay_0.99-seed2', 1, 2, 'pending'],
      ],
    );
    const config = runConfig(base(), plan.variants[1], 2);
    assert.equal(config.train.emaDecay, 0.99);
    assert.equal(config.seed, 2);
    // The second value is out of range: refused, naming the --set, though the first is fine.
    assert.throws(() => planSweep(base(), [parseSweepSet('train.emaDecay=0.5,1.5')], [1]), /--set train\.emaDecay=1\.5.*train\.emaDecay/s);
    assert.throws(() => planSweep(base(), [parseSweepSet('seed=1,2')], [1]), /--seeds/);
  });

  it('passes a variant to a child dtn train as --set arguments that read back the same values', () => {
    const [v] = variantProduct([parseSweepSet('losses.constDistance=cosine'), parseSweepSet('architecture.encoderWidths=[8,8,8]')]);
    assert.deepEqual(overrideArgs(v), ['--set', 'losses.constDistance="cosine"', '--set', 'architecture.encoderWidths=[8,8,8]']);
  });
});
