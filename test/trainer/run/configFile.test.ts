import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../../src/shared/config';
import { PRESETS } from '../../../src/shared/presets';
import { configHash, presetConfig, readConfigFile } from '../../../src/trainer/run/configFile';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { digitsArch } from '../helpers';

function writeConfig(content: unknown, name = 'x.dtn.json'): string {
  const file = path.join(tempDir('dtn-cfg-'), name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('config files', () => {
  after(cleanTempDirs);

  it('extends: a preset underneath, the file on top; paths resolve against the file folder', () => {
    const file = writeConfig({
      extends: 'digits-quick',
      name: 'mine',
      architecture: { embeddingSize: 8, generatorWidths: [8, 4, 4] },
      train: { steps: 7 },
      losses: { gamma: 0.5 },
    });
    const { config, baseDir, origin } = readConfigFile(file);
    const preset = PRESETS['digits-quick'];
    assert.equal(config.name, 'mine');
    assert.equal(digitsArch(config).embeddingSize, 8);
    assert.deepEqual(config.architecture.generatorWidths, [8, 4, 4]);
    assert.deepEqual(digitsArch(config).encoderWidths, preset.architecture.encoderWidths, 'untouched preset fields stay');
    assert.equal(config.train.steps, 7);
    assert.equal(config.train.batchSize, preset.train.batchSize);
    assert.equal(config.losses.gamma, 0.5);
    assert.equal(config.losses.alpha, preset.losses.alpha);
    assert.equal(baseDir, path.dirname(file));
    assert.equal(origin, file);
  });

  it('a missing file names it', () => {
    const missing = path.join(tempDir('dtn-cfg-'), 'nope.dtn.json');
    const err = configError(() => readConfigFile(missing));
    assert.ok(err.message.includes(missing) && /not found/.test(err.message), err.message);
    assert.equal(err.file, missing);
  });

  it('invalid JSON names the file', () => {
    const file = writeConfig('{ "extends": "digits-quick", }');
    const err = configError(() => readConfigFile(file));
    assert.ok(err.message.includes(file) && /not valid JSON/.test(err.message), err.message);
    assert.equal(err.issues.length, 0);
  });

  it('invalid JSON is placed by line and column, as editors show them', () => {
    const file = writeConfig('{\n  "extends": "digits-quick",\n  "seed" 3\n}\n');
    const err = configError(() => readConfigFile(file));
    assert.ok(err.message.startsWith(`${file}:3:10: not valid JSON`), err.message);
  });

  it('an unknown preset in extends is named, with the choices', () => {
    const err = configError(() => readConfigFile(writeConfig({ extends: 'digitz' })));
    assert.match(err.message, /extends: unknown preset "digitz"/);
    assert.match(err.message, /digits-quick/);
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ['extends'],
    );
  });

  it('invalid and unknown fields are named by their dotted path', () => {
    const err = configError(() => readConfigFile(writeConfig({ extends: 'digits-quick', train: { batchSize: -1, bogus: 1 } })));
    assert.match(err.message, /train\.batchSize/);
    assert.match(err.message, /bogus/);
    assert.ok(err.issues.some((i) => i.path === 'train.batchSize'));
  });

  it('presetConfig: every preset is valid; an unknown name lists the choices', () => {
    for (const name of Object.keys(PRESETS)) assert.equal(presetConfig(name).config.name, name);
    assert.throws(
      () => presetConfig('huge'),
      (err: Error) => err instanceof ConfigError && /unknown preset "huge".*digits/.test(err.message),
    );
  });

  describe('configHash', () => {
    const base = presetConfig('digits-quick').config;
    const clone = () => structuredClone(base);

    it('is stable, 16 hex digits, and ignores train.steps (training longer is the same run)', () => {
      assert.match(configHash(base), /^[0-9a-f]{16}$/);
      const longer = clone();
      longer.train.steps = 123456;
      assert.equal(configHash(longer), configHash(base));
      assert.equal(base.train.steps, PRESETS['digits-quick'].train.steps, 'hashing does not modify the config');
    });

    it('is the same with a later field at its default as without it (older runs resume without a warning)', () => {
      const old = clone();
      const explicit = clone();
      explicit.source = { ...(explicit.source as { kind: 'synthetic-digits'; count: number }), handLettered: false };
      assert.equal(configHash(explicit), configHash(old));
      assert.equal(configHash(base), configHash(old));
    });

    it('does not depend on key order', () => {
      const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(clone()).reverse())));
      assert.equal(configHash(reordered), configHash(base));
    });

    it('changes with anything else that shapes the run', () => {
      const variants: ((c: ReturnType<typeof clone>) => void)[] = [
        (c) => (c.seed = 2),
        (c) => (c.train.learningRate = c.train.learningRate * 2),
        (c) => (c.train.batchSize = 16),
        (c) => (c.losses.alpha = 1),
        (c) => (c.architecture = { ...digitsArch(c), encoderWidths: digitsArch(c).encoderWidths.map((w: number) => w * 2) }),
        (c) => (c.source = { kind: 'synthetic-digits', count: 10 }),
        (c) => (c.source = { kind: 'synthetic-digits', count: c.source.count ?? 0, handLettered: true }),
        (c) => (c.encoder.source = { kind: 'synthetic-digits', count: 10 }),
      ];
      const hashes = new Set([configHash(base)]);
      for (const change of variants) {
        const c = clone();
        change(c);
        hashes.add(configHash(c));
      }
      assert.equal(hashes.size, variants.length + 1);
    });
  });
});
