/**
 * Runs the integration suite inside this extension host when DTN_EXTENSION_TESTS names it.
 * @vscode/test-electron passes a suite to VS Code with --extensionTestsPath; code-server's command
 * line does not, so the end-to-end test starts code-server with this variable instead. The suite is
 * a module exporting run() (the @vscode/test-electron convention); its outcome is written as JSON to
 * DTN_EXTENSION_TESTS_RESULT. Without the variable (as for every user) nothing is loaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SuiteOutcome {
  passed: number;
  failed: number;
  tests: { title: string; state: 'passed' | 'failed'; error?: string }[];
}

export function runIntegrationSuiteFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  const suite = env.DTN_EXTENSION_TESTS;
  if (!suite) return;
  const resultFile = env.DTN_EXTENSION_TESTS_RESULT ?? `${suite}.result.json`;
  const write = (outcome: SuiteOutcome | { error: string }) => {
    fs.mkdirSync(path.dirname(resultFile), { recursive: true });
    fs.writeFileSync(resultFile, `${JSON.stringify(outcome, null, 2)}\n`);
  };
  // After activate() returns: the suite reaches the extension through its exports, as other extensions would.
  setImmediate(() => {
    try {
      // The suite lives outside the package, in the checkout that built it: a run-time require.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.resolve(suite)) as { run(): Promise<SuiteOutcome> };
      mod.run().then(write, (err: unknown) => write((err as { outcome?: SuiteOutcome }).outcome ?? { error: String(err) }));
    } catch (err) {
      write({ error: `cannot load ${suite}: ${String(err)}` });
    }
  });
}
