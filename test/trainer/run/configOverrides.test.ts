import { strict as assert } from 'node:assert';
import { ConfigError, parseConfig } from '../../../src/shared/config';
import { PRESETS } from '../../../src/shared/presets';
import { applyOverrides, formatOverride, parseOverride, parseOverrideValue } from '../../../src/trainer/run/configOverrides';

const base = () => parseConfig(PRESETS['digits-quick']);

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('run/configOverrides (--set)', () => {
  it('reads values as JSON when they parse, else as the text', () => {
    assert.equal(parseOverrideValue('0.99'), 0.99);
    assert.equal(parseOverrideValue('true'), true);
    assert.deepEqual(parseOverrideValue('[16,32,64]'), [16, 32, 64]);
    assert.equal(parseOverrideValue('cosine'), 'cosine');
    assert.equal(parseOverrideValue('"42"'), '42');
    assert.equal(parseOverrideValue('my=run'), 'my=run');
  });

  it('splits at the first = and checks the dotted path', () => {
    assert.deepEqual(parseOverride('train.emaDecay=0.99'), { key: 'train.emaDecay', value: 0.99 });
    assert.deepEqual(parseOverride('name=a=b'), { key: 'name', value: 'a=b' });
    for (const bad of ['emaDecay', '=1', 'train..steps=1', 'train/steps=1', 'a b=1', '__proto__.polluted=1', 'train.constructor=1']) {
      assert.match(configError(() => parseOverride(bad)).message, /--set /, bad);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.match(configError(() => parseOverride('extends=digits')).message, /extends cannot be overridden/);
  });

  it('applies overrides to the resolved config, nested and in arrays, without touching the input', () => {
    const config = base();
    const decay = config.train.emaDecay;
    assert.notEqual(decay, 0.9);
    const out = applyOverrides(config, [
      parseOverride('train.emaDecay=0.9'),
      parseOverride('losses.constDistance=cosine'),
      parseOverride('architecture.encoderWidths=[16,32,64]'),
      parseOverride('architecture.generatorWidths.1=7'),
      parseOverride('eval.classifier.steps=5'),
    ]);
    assert.equal(out.train.emaDecay, 0.9);
    assert.equal(out.losses.constDistance, 'cosine');
    assert.equal(out.architecture.kind, 'digits');
    if (out.architecture.kind !== 'digits') return;
    assert.deepEqual(out.architecture.encoderWidths, [16, 32, 64]);
    assert.equal(out.architecture.generatorWidths[1], 7);
    assert.equal(out.eval.classifier.steps, 5);
    // Everything else as it was; the input is not changed.
    assert.equal(out.train.steps, config.train.steps);
    assert.equal(config.train.emaDecay, decay);
    // A later override of the same key wins.
    assert.equal(applyOverrides(config, [parseOverride('seed=3'), parseOverride('seed=4')]).seed, 4);
  });

  it('validates the result with the config schema, naming the --set and the field', () => {
    const err = configError(() =>
      applyOverrides(base(), [parseOverride('train.emaDecay=1.5'), parseOverride('train.steps=10')], 'preset x'),
    );
    assert.match(err.message, /preset x with --set train\.emaDecay=1\.5: invalid DTN config/);
    assert.doesNotMatch(err.message, /train\.steps=10/, 'a valid --set is not blamed');
    assert.match(err.message, /train\.emaDecay: /);
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ['train.emaDecay'],
    );

    const unknown = configError(() => applyOverrides(base(), [parseOverride('train.emaDecy=0.9')]));
    assert.match(unknown.message, /--set train\.emaDecy=0\.9/);
    assert.match(unknown.message, /train\.emaDecy: unknown field "emaDecy"/);

    const top = configError(() => applyOverrides(base(), [parseOverride('bogus=1')]));
    assert.match(top.message, /--set bogus=1/);

    assert.match(configError(() => applyOverrides(base(), [parseOverride('losses.constDistance=manhattan')])).message, /constDistance/);
    assert.match(configError(() => applyOverrides(base(), [parseOverride('train.steps=ten')])).message, /train\.steps/);
  });

  it('refuses a path through a value or past the end of an array', () => {
    assert.match(configError(() => applyOverrides(base(), [parseOverride('seed.x=1')])).message, /seed is 1, not an object/);
    assert.match(
      configError(() => applyOverrides(base(), [parseOverride('architecture.encoderWidths.5=1')])).message,
      /array of 3: 5 is not an index/,
    );
  });

  it('formats an override so that it reads back the same (strings stay strings)', () => {
    for (const text of ['train.emaDecay=0.99', 'losses.constDistance=cosine', 'architecture.encoderWidths=[8,8,8]', 'name="007"']) {
      const o = parseOverride(text);
      assert.deepEqual(parseOverride(formatOverride(o)), o, text);
    }
  });
});
