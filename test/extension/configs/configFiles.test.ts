import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkConfigText } from '../../../src/shared/configCheck';
import { PRESET_NAMES } from '../../../src/shared/presets';
import {
  ConfigFileError,
  configFileFor,
  configNameProblem,
  duplicateConfig,
  freeConfigName,
  newConfigText,
  writeNewConfig,
} from '../../../src/extension/configs/configFiles';

describe('config files (New Config, Duplicate)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-newcfg-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a new config from each preset is a valid config of that preset under the chosen name', () => {
    for (const preset of PRESET_NAMES) {
      const file = configFileFor(dir, `my-${preset}`);
      writeNewConfig(file, newConfigText(preset, `my-${preset}`));
      const text = fs.readFileSync(file, 'utf8');
      assert.deepEqual(JSON.parse(text), { extends: preset, name: `my-${preset}` });
      const check = checkConfigText(text);
      assert.ok(check.ok, preset);
      assert.equal(check.config.name, `my-${preset}`);
    }
    assert.equal(path.basename(configFileFor(dir, 'x')), 'x.dtn.json');
  });

  it('never replaces a file: writing over an existing config fails and leaves it as it was', () => {
    const file = configFileFor(dir, 'taken');
    fs.writeFileSync(file, '{"mine": true}');
    assert.throws(() => writeNewConfig(file, newConfigText('digits', 'taken')), ConfigFileError);
    assert.equal(fs.readFileSync(file, 'utf8'), '{"mine": true}');
  });

  it('a name follows the config name rule and must not be taken; a free name is suggested', () => {
    for (const bad of ['', '.hidden', 'a/b', '../x', 'a b', 'x'.repeat(65)]) assert.ok(configNameProblem(bad, dir), JSON.stringify(bad));
    assert.equal(configNameProblem('digits-2', dir), undefined);
    fs.writeFileSync(configFileFor(dir, 'digits'), '{}');
    assert.match(configNameProblem('digits', dir) ?? '', /already exists/);
    assert.equal(freeConfigName(dir, 'digits'), 'digits-2');
    assert.equal(freeConfigName(dir, 'faces'), 'faces');
  });

  it('Duplicate copies the config beside it with name rewritten, keeping its formatting, and refuses a taken name', () => {
    const from = configFileFor(dir, 'orig');
    const text = '{\n    "extends": "digits-quick",\n    "name": "orig",\n    "train": { "steps": 5 }\n}\n';
    fs.writeFileSync(from, text);
    const to = duplicateConfig(from, 'copy');
    assert.equal(to, configFileFor(dir, 'copy'));
    assert.equal(fs.readFileSync(to, 'utf8'), text.replace('"orig"', '"copy"'));
    assert.equal(fs.readFileSync(from, 'utf8'), text, 'the original is untouched');
    assert.throws(() => duplicateConfig(from, 'copy'), ConfigFileError);
  });

  it('Duplicate adds name to a config without one, and refuses a file that is not a JSON object', () => {
    const from = configFileFor(dir, 'bare');
    fs.writeFileSync(from, '{\n  "extends": "digits"\n}\n');
    const check = checkConfigText(fs.readFileSync(duplicateConfig(from, 'named'), 'utf8'));
    assert.ok(check.ok && check.config.name === 'named');
    const broken = configFileFor(dir, 'broken');
    fs.writeFileSync(broken, '{ "extends": ');
    assert.throws(() => duplicateConfig(broken, 'fixed'), /fix its syntax first/);
    assert.ok(!fs.existsSync(configFileFor(dir, 'fixed')));
  });
});
