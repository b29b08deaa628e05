// End-to-end test in real VS Code (code-server) driven by Debian's Chromium, from the packaged
// extension: the .vsix is installed into a fresh code-server and everything runs from the installed
// copy (the trainer CLI included), so a clean install is what is tested. Not part of `npm test`.
// Needs code-server (`bash scripts/e2e-tools.sh` puts it in .e2e-tools/, or set DTN_E2E_TOOLS),
// /usr/bin/chromium and a built package: `npm run package` (which builds first).
// Run: node test/e2e/dtnStudio.e2e.mjs [--vsix file.vsix]; screenshots go to $DTN_E2E_SCREENS (/tmp/screens).
//
// Steps run in order on one workbench and share `state`; to add one, write test/e2e/steps/<name>.mjs
// exporting { name, run(t) } and list it below. On a failure the step's screenshot and the window's
// visible text are saved as failure-<step>.png/.txt, and the later steps are skipped.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeServerBinary, installVsix, repo, startWorkbench } from './harness/workbench.mjs';
import { dtn, makeWorkspace } from '../integration/workspace.mjs';
import views from './steps/views.mjs';
import training from './steps/training.mjs';
import reopen from './steps/reopen.mjs';
import runsView from './steps/runsView.mjs';
import failedStart from './steps/failedStart.mjs';
import translate from './steps/translate.mjs';
import sampleExplorer from './steps/sampleExplorer.mjs';
import compareSamples from './steps/compareSamples.mjs';
import sweeps from './steps/sweeps.mjs';
import experimentsTable from './steps/experimentsTable.mjs';
import configCommands from './steps/configCommands.mjs';
import walkthrough from './steps/walkthrough.mjs';
import integrationSuite from './steps/integrationSuite.mjs';

const STEPS = [
  views,
  training,
  reopen,
  sampleExplorer,
  runsView,
  compareSamples,
  sweeps,
  experimentsTable,
  failedStart,
  configCommands,
  translate,
  walkthrough,
];

const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const argVsix = process.argv.indexOf('--vsix');
const vsix = path.resolve(
  argVsix > 0
    ? process.argv[argVsix + 1]
    : path.join(repo, `${manifest.name}-${process.platform}-${process.arch}-${manifest.version}.vsix`),
);
if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\``);
const screens = process.env.DTN_E2E_SCREENS ?? '/tmp/screens';
fs.mkdirSync(screens, { recursive: true });
for (const f of fs.readdirSync(screens))
  if (/^(failure-|code-server-)/.test(f)) fs.rmSync(path.join(screens, f), { recursive: true, force: true });

const failures = [];
function check(cond, what) {
  console.log(`  ${cond ? 'ok ' : 'FAIL'} ${what}`);
  if (!cond) failures.push(what);
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-e2e-'));
// A user cache of its own (the trainers and code-server inherit it): the face models are fetched on
// first use, as on a fresh machine.
process.env.XDG_CACHE_HOME = path.join(root, 'cache');
const extDir = path.join(root, 'ext');
const started = Date.now();
let wb;
try {
  const ext = installVsix(codeServerBinary(), vsix, extDir);
  const cli = path.join(ext, 'dist', 'trainer', 'cli.js');
  console.log(`installed ${path.basename(vsix)} -> ${ext}`);
  // The workspace: a config and its encoder, made by the installed trainer, and a (barely trained)
  // classifier so runs record their best and Evaluate works.
  const ws = makeWorkspace(cli, path.join(root, 'ws'));
  dtn(cli, ws, ['train-classifier', '--config', 'e2e.dtn.json', '--steps', '30']);

  const t = { check, cli, ext, extDir, root, screens, ws, state: {} };
  wb = await startWorkbench({ workspace: ws, extDir, userData: path.join(root, 'user'), screens });
  t.wb = wb;
  await wb.open();
  for (const step of STEPS) {
    console.log(`${step.name}`);
    try {
      await step.run(t);
    } catch (err) {
      await wb.saveFailure(step.name.replace(/\W+/g, '-'));
      throw new Error(`step "${step.name}": ${err.message}`, { cause: err });
    }
  }
  check(wb.cspErrors.length === 0, `no CSP violations (${wb.cspErrors.slice(0, 2).join(' | ')})`);
  await wb.close();
  wb = undefined;

  console.log(integrationSuite.name);
  await integrationSuite.run(t);
  if (failures.length) throw new Error(`e2e failed: ${failures.join('; ')}`);
  console.log(`e2e passed (${Math.round((Date.now() - started) / 1000)} s)`);
} catch (err) {
  console.log(`screenshots and visible text of the failure: ${screens}/failure-*`);
  throw err;
} finally {
  await wb?.close();
  fs.rmSync(root, { recursive: true, force: true });
}
