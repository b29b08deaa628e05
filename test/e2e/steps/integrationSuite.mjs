// The mocha integration suite (test/integration/) inside code-server's extension host: a second
// code-server, started with DTN_EXTENSION_TESTS naming the built suite, on a workspace of its own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repo, startWorkbench, until } from '../harness/workbench.mjs';
import { makeWorkspace } from '../../integration/workspace.mjs';

export default {
  name: 'integration suite',
  /** Runs on its own workbench; `root` is the test's temporary folder. */
  async run({ check, cli, extDir, root, screens }) {
    const suite = path.join(repo, 'out', 'integration', 'index.js');
    if (!fs.existsSync(suite)) throw new Error(`${suite} is missing: run \`npm run build\``);
    const ws = makeWorkspace(cli, path.join(root, 'int-ws'));
    const result = path.join(root, 'integration-result.json');
    const wb = await startWorkbench({
      workspace: ws,
      extDir,
      userData: path.join(root, 'int-user'),
      screens,
      env: { DTN_EXTENSION_TESTS: suite, DTN_EXTENSION_TESTS_RESULT: result },
    });
    try {
      // The extension host starts when a window connects.
      await wb.open();
      const outcome = await until(
        'the suite to write its result',
        () => fs.existsSync(result) && JSON.parse(fs.readFileSync(result, 'utf8')),
        300_000,
        500,
      );
      for (const t of outcome.tests ?? [])
        check(t.state === 'passed', `[extension host] ${t.title}${t.error ? `: ${t.error.split('\n')[0]}` : ''}`);
      check(
        !outcome.error && outcome.passed >= 3 && outcome.failed === 0,
        `integration suite: ${outcome.passed ?? 0} passed, ${outcome.failed ?? 0} failed${outcome.error ? `, ${outcome.error}` : ''}`,
      );
    } catch (err) {
      await wb.saveFailure('integration-suite');
      throw err;
    } finally {
      await wb.close();
    }
  },
};
