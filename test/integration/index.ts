/**
 * The integration suite's entry, run inside a VS Code extension host: by @vscode/test-electron
 * (--extensionTestsPath, `npm run test:integration`) or, in code-server, by the extension's own hook
 * (src/extension/integrationHook.ts, DTN_EXTENSION_TESTS). Built to out/integration/index.js by
 * scripts/build.mjs; mocha is resolved from the checkout's node_modules at run time.
 */
import Mocha from 'mocha';
import type { SuiteOutcome } from '../../src/extension/integrationHook';

export function run(): Promise<SuiteOutcome> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 300_000, reporter: 'spec', color: false });
  // The bundled test file registers its describe()/it() with this instance's globals.
  mocha.suite.emit('pre-require', globalThis, 'extensionHost.suite', mocha);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./extensionHost.suite');
  const outcome: SuiteOutcome = { passed: 0, failed: 0, tests: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (failures === 0) resolve(outcome);
      else reject(Object.assign(new Error(`${failures} integration test(s) failed`), { outcome }));
    });
    // The extension host is shared: an error thrown elsewhere in it (code-server's telemetry failing
    // offline, another extension) would otherwise fail whichever test is running. The tests await
    // everything they start, so their own failures reach mocha as rejections.
    process.removeListener('uncaughtException', (runner as unknown as { uncaught: (e: unknown) => void }).uncaught);
    runner.on('pass', (t) => {
      outcome.passed++;
      outcome.tests.push({ title: t.fullTitle(), state: 'passed' });
    });
    runner.on('fail', (t, err: Error) => {
      outcome.failed++;
      outcome.tests.push({ title: t.fullTitle(), state: 'failed', error: err.stack ?? String(err) });
    });
  });
}
