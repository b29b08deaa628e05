import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runIntegrationSuiteFromEnv } from '../../src/extension/integrationHook';

/** Waits for `file` to appear (the hook runs the suite after activate() returns). */
async function readWhenWritten(file: string): Promise<unknown> {
  for (let i = 0; i < 200 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 10));
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('integration suite hook', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-hook-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const suite = (body: string) => {
    const file = path.join(dir, `suite-${Math.random().toString(36).slice(2)}.js`);
    fs.writeFileSync(file, `exports.run = async () => { ${body} };`);
    return file;
  };

  it('loads nothing without DTN_EXTENSION_TESTS', async () => {
    const file = suite(`require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'ran'))}, '')`);
    runIntegrationSuiteFromEnv({ DTN_EXTENSION_TESTS_RESULT: path.join(dir, 'r.json') });
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.existsSync(file));
    assert.ok(!fs.existsSync(path.join(dir, 'ran')) && !fs.existsSync(path.join(dir, 'r.json')));
  });

  it("writes the suite's outcome where DTN_EXTENSION_TESTS_RESULT says", async () => {
    const outcome = { passed: 2, failed: 0, tests: [{ title: 'a', state: 'passed' }] };
    const result = path.join(dir, 'out', 'result.json');
    runIntegrationSuiteFromEnv({ DTN_EXTENSION_TESTS: suite(`return ${JSON.stringify(outcome)}`), DTN_EXTENSION_TESTS_RESULT: result });
    assert.deepEqual(await readWhenWritten(result), outcome);
  });

  it('records failed tests carried by the rejection, and a suite that cannot load', async () => {
    const outcome = { passed: 0, failed: 1, tests: [{ title: 'b', state: 'failed', error: 'boom' }] };
    const failing = suite(`throw Object.assign(new Error('1 failed'), { outcome: ${JSON.stringify(outcome)} })`);
    runIntegrationSuiteFromEnv({ DTN_EXTENSION_TESTS: failing, DTN_EXTENSION_TESTS_RESULT: path.join(dir, 'f.json') });
    assert.deepEqual(await readWhenWritten(path.join(dir, 'f.json')), outcome);

    runIntegrationSuiteFromEnv({ DTN_EXTENSION_TESTS: path.join(dir, 'missing.js'), DTN_EXTENSION_TESTS_RESULT: path.join(dir, 'm.json') });
    const missing = (await readWhenWritten(path.join(dir, 'm.json'))) as { error: string };
    assert.match(missing.error, /cannot load .*missing\.js/);
  });
});
