// The integration suite in desktop VS Code, downloaded by @vscode/test-electron (needs access to
// update.code.visualstudio.com): `npm run build && node test/integration/runInElectron.mjs`.
// Where VS Code cannot be downloaded, the end-to-end test runs the same suite inside code-server.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { makeWorkspace } from './workspace.mjs';

const repo = path.resolve(import.meta.dirname, '..', '..');
// First, so that a machine that cannot download VS Code says so at once.
const vscodeExecutablePath = await downloadAndUnzipVSCode('stable');
const ws = makeWorkspace(path.join(repo, 'dist', 'trainer', 'cli.js'), fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-int-')));
try {
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repo,
    extensionTestsPath: path.join(repo, 'out', 'integration', 'index.js'),
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust'],
  });
} finally {
  fs.rmSync(ws, { recursive: true, force: true });
}
