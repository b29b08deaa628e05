import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { preflightConfigFile, refusalLog, refusalMessage } from '../../../src/extension/configs/configPreflight';

describe('the config check before a launch', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-preflight-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('passes a valid config', () => {
    assert.deepEqual(preflightConfigFile(write('ok.dtn.json', '{ "extends": "digits-quick", "name": "ok" }')), { ok: true });
  });

  it('refuses a config with field problems, each named with file:line:col, the field and the fix', () => {
    const file = write('bad.dtn.json', '{\n  "extends": "digits-quick",\n  "train": { "steps": 0 },\n  "seeed": 3\n}\n');
    const r = preflightConfigFile(file);
    assert.ok(!r.ok);
    assert.equal(
      refusalMessage(file, r.problems, 'training'),
      'bad.dtn.json has 2 problems, so training was not started: ' +
        'bad.dtn.json:3:23: train.steps: Too small: expected number to be >0 — use a number > 0; ' +
        'bad.dtn.json:4:3: seeed: unknown field "seeed" — remove it, or correct its spelling',
    );
    assert.equal(
      refusalLog(file, r.problems, 'training'),
      `training not started: ${file} has 2 problems\n` +
        `  ${file}:3:23: train.steps: Too small: expected number to be >0 — use a number > 0\n` +
        `  ${file}:4:3: seeed: unknown field "seeed" — remove it, or correct its spelling`,
    );
  });

  it('refuses a JSON syntax error at its line and column', () => {
    const file = write('syntax.dtn.json', '{\n  "extends": "digits-quick",\n}\n');
    const r = preflightConfigFile(file);
    assert.ok(!r.ok);
    assert.match(
      refusalMessage(file, r.problems, 'training'),
      /^syntax\.dtn\.json has 1 problem, so .*syntax\.dtn\.json:2:28: not valid JSON: a trailing comma/,
    );
  });

  it('shows at most three problems in the notification and says how many more the log holds', () => {
    const file = write('many.dtn.json', JSON.stringify({ extends: 'digits-quick', a: 1, b: 2, c: 3, d: 4, e: 5 }, null, 2));
    const r = preflightConfigFile(file);
    assert.ok(!r.ok && r.problems.length === 5);
    const msg = refusalMessage(file, r.problems, 'training');
    assert.equal((msg.match(/unknown field/g) ?? []).length, 3);
    assert.match(msg, /\(and 2 more in the log\)$/);
    assert.equal(refusalLog(file, r.problems, 'training').split('\n').length, 6);
  });

  it('a file that cannot be read is refused, named', () => {
    const r = preflightConfigFile(path.join(dir, 'gone.dtn.json'));
    assert.ok(!r.ok);
    assert.match(r.problems[0].message, /cannot be read/);
  });
});
