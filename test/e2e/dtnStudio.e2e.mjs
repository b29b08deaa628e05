// End-to-end check in real VS Code (code-server) driven by Debian's Chromium (see shared/e2e.md).
// Not part of `npm test`. Needs: code-server installed under $DTN_E2E_TOOLS (default /work/tools),
// /usr/bin/chromium, and a built package: `npm run build && npm run package`.
// Run: node test/e2e/dtnStudio.e2e.mjs [--vsix dtn-studio-0.1.0.vsix] ; screenshots go to $DTN_E2E_SCREENS (/tmp/screens).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

const repo = path.resolve(import.meta.dirname, '..', '..');
const tools = process.env.DTN_E2E_TOOLS ?? '/work/tools';
const codeServer = path.join(tools, 'node_modules', '.bin', 'code-server');
const screens = process.env.DTN_E2E_SCREENS ?? '/tmp/screens';
const argVsix = process.argv.indexOf('--vsix');
const vsix = path.resolve(
  argVsix > 0
    ? process.argv[argVsix + 1]
    : path.join(repo, `dtn-studio-${JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).version}.vsix`),
);
const port = 8740 + Math.floor(Math.random() * 200);
const cli = path.join(repo, 'dist', 'trainer', 'cli.js');

const failures = [];
function check(cond, what) {
  console.log(`  ${cond ? 'ok ' : 'FAIL'} ${what}`);
  if (!cond) failures.push(what);
}

// A workspace with a small config (about 0.3 s/step here) and its encoder.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-e2e-'));
const ws = path.join(root, 'ws');
fs.mkdirSync(ws);
const config = {
  extends: 'digits-quick',
  name: 'e2e',
  backend: 'cpu',
  architecture: { encoderWidths: [8, 16, 16], embeddingSize: 16, generatorWidths: [16, 16, 8], discriminatorWidths: [8, 16, 16] },
  source: { kind: 'synthetic-digits', count: 400 },
  target: { kind: 'mnist-package', count: 400 },
  train: { steps: 400, batchSize: 16, logEvery: 1, sampleEvery: 5, checkpointEvery: 100 },
};
fs.writeFileSync(path.join(ws, 'e2e.dtn.json'), JSON.stringify(config, null, 2));
fs.writeFileSync(
  path.join(ws, 'broken.dtn.json'),
  JSON.stringify({ ...config, name: 'broken', encoder: { path: 'no-such-encoder' } }, null, 2),
);
const pre = spawnSync(process.execPath, [cli, 'pretrain-f', '--config', 'e2e.dtn.json', '--steps', '60'], { cwd: ws, encoding: 'utf8' });
if (pre.status !== 0) throw new Error(pre.stderr);
// A (barely trained) classifier: runs then evaluate, record their best, and DTN: Evaluate works.
const cls = spawnSync(process.execPath, [cli, 'train-classifier', '--config', 'e2e.dtn.json', '--steps', '30'], {
  cwd: ws,
  encoding: 'utf8',
});
if (cls.status !== 0) throw new Error(cls.stderr);

const userData = path.join(root, 'user');
const extDir = path.join(root, 'ext');
fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
fs.writeFileSync(
  path.join(userData, 'User', 'settings.json'),
  JSON.stringify({
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
  }),
);
const inst = spawnSync(codeServer, ['--extensions-dir', extDir, '--install-extension', vsix], { encoding: 'utf8' });
if (inst.status !== 0) throw new Error(inst.stderr);

const server = spawn(
  codeServer,
  [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extDir,
    ws,
  ],
  { stdio: 'ignore' },
);
let browser;
let page;
fs.mkdirSync(screens, { recursive: true });
try {
  await new Promise((r) => setTimeout(r, 4000));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const cspErrors = [];
  /** Opens the workbench in a fresh tab (a reload, as far as VS Code can tell). */
  const open = async () => {
    await page?.close();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && cspErrors.push(m.text()));
    await page.goto(`http://127.0.0.1:${port}/?folder=${ws}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page.waitForTimeout(4000);
    await page.mouse.click(800, 500);
  };
  const palette = async (command, pick) => {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget', { state: 'visible' });
    await page.keyboard.type(command);
    await page.waitForTimeout(700);
    await page.keyboard.press('Enter');
    if (pick) {
      // The command's own picker: wait until it lists the item (a loaded machine takes a while), not a fixed time.
      await page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("${pick}")`, { state: 'visible', timeout: 30_000 });
      await page.keyboard.type(pick);
      await page.waitForTimeout(500);
      await page.keyboard.press('Enter');
    }
  };
  // Themes switch through VS Code's own toggle command (its theme picker would search the
  // marketplace here), and the switch is checked on the workbench's theme class before any screenshot.
  const themeNow = () =>
    page.$eval('.monaco-workbench', (e) => (e.classList.contains('vs-dark') ? 'dark' : e.classList.contains('vs') ? 'light' : '?'));
  const useTheme = async (kind) => {
    if ((await themeNow()) !== kind) await palette('Preferences: Toggle between Light/Dark Themes');
    for (let i = 0; i < 40 && (await themeNow()) !== kind; i++) await page.waitForTimeout(250);
    check((await themeNow()) === kind, `the ${kind} theme is on (${await themeNow()})`);
    await page.waitForTimeout(1000);
  };
  /** The webview frame holding `selector` (webviews are nested iframes). */
  const frameWith = async (selector, timeout = 60_000) => {
    const end = Date.now() + timeout;
    while (Date.now() < end) {
      for (const f of page.frames()) if (await f.$(selector).catch(() => null)) return f;
      await page.waitForTimeout(500);
    }
    throw new Error(`no frame with ${selector}`);
  };
  // Picks an item of the open context menu. A click that lands while the menu is still opening can
  // be dropped (the item stays highlighted, the menu open): then Enter takes the highlighted item.
  const menuPick = async (label) => {
    const item = page.locator('.monaco-menu .action-item', { hasText: label }).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    await item.hover();
    await page.waitForTimeout(200);
    let at = Date.now();
    await item.click();
    await page.waitForTimeout(500);
    if (await item.isVisible().catch(() => false)) {
      at = Date.now();
      await page.keyboard.press('Enter');
    }
    return at;
  };
  const waitText = async (frame, selector, re, timeout = 120_000) => {
    const end = Date.now() + timeout;
    let text = '';
    while (Date.now() < end) {
      text = (await frame.textContent(selector).catch(() => '')) ?? '';
      if (re.test(text)) return text;
      await page.waitForTimeout(500);
    }
    throw new Error(`${selector}: "${text}" never matched ${re}`);
  };
  const notification = (re, timeout = 60_000) => page.waitForSelector(`.notification-toast :text-matches("${re}")`, { timeout });

  await open();
  console.log('start a run from a config');
  await palette('DTN: Start Training', 'e2e.dtn.json');
  const dash = await frameWith('#charts');
  await waitText(dash, '#stats', /step (2\d|[3-9]\d|\d{3}) \//);
  check((await dash.$$('#charts canvas')).length >= 6, 'a chart for each loss term');
  const samples = await frameWith('#sample-img');
  await waitText(samples, '#sample-caption', /following newest/);
  check(/DTN \d+\/400/.test(await page.textContent('.statusbar')), 'status bar shows step / total');
  await page.screenshot({ path: path.join(screens, 'e2e-live-dark.png') });

  console.log('stop: checkpoint, then exit');
  await palette('DTN: Stop Training');
  await notification('stopped at step', 60_000);
  const stopToast = await page.waitForSelector('.notification-toast:has-text("stopped at step")');
  check(
    !(await stopToast.$('.monaco-button:text("Open Dashboard")')) && !(await stopToast.$('.monaco-button:text("Open Samples")')),
    'the stop notification offers no panel that is already open',
  );
  const runDir = path.join(ws, '.dtn', 'runs', fs.readdirSync(path.join(ws, '.dtn', 'runs'))[0]);
  const info = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  check(info.status === 'stopped', 'run.json says stopped');
  check(
    fs.existsSync(path.join(runDir, 'checkpoints', `step-${String(info.lastStep).padStart(8, '0')}`, 'manifest.json')),
    `checkpoint of the last step (${info.lastStep})`,
  );
  const records = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').length;

  console.log('reload: the panels come back with the full history');
  await open();
  const restored = await frameWith('#charts', 45_000).catch(() => undefined);
  // Seen restored in screenshots, but Playwright does not always list a restored webview's frames:
  // reported, not failed; the command below reveals the same panel.
  console.log(
    `  ${restored ? 'ok ' : 'note'} restored dashboard frame ${restored ? 'found' : 'not visible to Playwright; revealing it by command'}`,
  );
  if (!restored) await palette('DTN: Open Dashboard');
  const dash2 = restored ?? (await frameWith('#charts'));
  await waitText(dash2, '#stats', new RegExp(`${records} records`));
  check(/stopped/.test(await dash2.textContent('#run-status')), 'finished run shows as stopped');
  await page.screenshot({ path: path.join(screens, 'e2e-reopened-dark.png') });
  const samples2 = await frameWith('#sample-img', 20_000).catch(async () => {
    await palette('DTN: Open Sample Preview');
    return frameWith('#sample-img');
  });
  await samples2.$eval('#step-slider', (s) => {
    s.value = '1';
    s.dispatchEvent(new Event('input'));
  });
  check(/step 5 /.test(await samples2.textContent('#sample-caption')), 'slider scrubs to an older grid');

  for (const kind of ['light', 'dark']) {
    await useTheme(kind);
    if (kind !== 'dark') await page.screenshot({ path: path.join(screens, `e2e-reopened-${kind}.png`) });
  }

  console.log('compare two runs');
  const second = spawnSync(process.execPath, [cli, 'train', '--config', 'e2e.dtn.json', '--steps', '10', '--seed', '2'], {
    cwd: ws,
    encoding: 'utf8',
  });
  check(second.status === 0, `a second run from the CLI${second.status ? `: ${second.stderr.slice(-300)}` : ''}`);
  await palette('DTN: Compare Runs');
  // Tick every run with the picker's "toggle all" checkbox.
  const all = await page.waitForSelector('.quick-input-header [role=checkbox]', { state: 'visible' });
  if ((await all.getAttribute('aria-checked')) !== 'true') await all.click();
  await page.keyboard.press('Enter');
  const cmp = await frameWith('#diff-table tbody tr');
  check((await cmp.$$('#legend .chip')).length === 2, 'the comparison shows both runs');
  const keys = await cmp.$$eval('#diff-table tbody th.key', (ths) => ths.map((t) => t.textContent));
  check(keys.includes('seed') && keys.includes('train.steps'), `the config differences list seed and train.steps (${keys.join(', ')})`);
  check((await cmp.$$('#charts canvas')).length >= 6, 'a chart per loss term, one line per run');
  await page.screenshot({ path: path.join(screens, 'e2e-compare-dark.png') });

  console.log('a sweep from the CLI opens as one comparison');
  const sweep = spawnSync(
    process.execPath,
    [
      cli,
      'sweep',
      '--config',
      'e2e.dtn.json',
      '--seeds',
      '1',
      '--set',
      'train.steps=10',
      '--set',
      'train.emaDecay=0,0.9',
      '--parallel',
      '2',
      '--name',
      'e2e-sweep',
    ],
    { cwd: ws, encoding: 'utf8' },
  );
  check(sweep.status === 0, `dtn sweep of 2 variants${sweep.status ? `: ${sweep.stderr.slice(-300)}` : ''}`);
  await palette('DTN: Open Sweep', 'e2e-sweep');
  await waitText(cmp, '#compare-title', /Sweep e2e-sweep/, 30_000);
  for (let i = 0; i < 20 && (await cmp.$$('#legend .chip')).length !== 2; i++) await page.waitForTimeout(500);
  const chips = await cmp.$$eval('#legend .chip', (cs) => cs.map((c) => c.textContent ?? ''));
  check(
    chips.length === 2 && chips.some((c) => c.includes('v2-emaDecay_0.9-seed1')),
    `the sweep's two runs are compared (${chips.join(' | ')})`,
  );
  check(await cmp.$eval('#btn-report', (b) => !b.hidden && /summary\.md/.test(b.textContent ?? '')), 'its summary.md is one click away');
  const tabs = await page.$$eval('.tab', (ts) => ts.map((t) => t.textContent ?? ''));
  check(
    tabs.some((t) => /DTN Sweep: e2e-sweep/.test(t)),
    `the tab says which sweep (${tabs.join(' | ')})`,
  );
  await page.screenshot({ path: path.join(screens, 'e2e-sweep-compare.png') });

  console.log('the Runs view: checkpoint rows, the best starred, Evaluate from the context menu');
  const runsRoot = path.join(ws, '.dtn', 'runs');
  const secondDir = fs
    .readdirSync(runsRoot)
    .map((n) => path.join(runsRoot, n))
    .find((d) => d !== runDir);
  const secondId = path.basename(secondDir);
  check(
    JSON.parse(fs.readFileSync(path.join(secondDir, 'run.json'), 'utf8')).best?.step === 10,
    'run.json of the CLI run records its best',
  );
  await page.click('.activitybar .action-item a[aria-label^="DTN Studio"], .activitybar .action-label[aria-label^="DTN Studio"]');
  const runsPane = '.pane:has(.pane-header[aria-label^="Runs"])';
  const runRow = await page.waitForSelector(`${runsPane} .monaco-list-row:has-text("${secondId}")`, { timeout: 30_000 });
  if ((await runRow.getAttribute('aria-expanded')) !== 'true') await (await runRow.$('.monaco-tl-twistie')).click();
  const ckptRow = await page.waitForSelector(`${runsPane} .monaco-list-row:has-text("step 10")`, { timeout: 30_000 });
  check(Boolean(await ckptRow.$('.codicon-star-full')), 'the best checkpoint has a star');
  check(/best/.test(await ckptRow.textContent()), 'its description says best');
  check(
    Boolean(await page.$(`${runsPane} .monaco-list-row:has-text("sweep e2e-sweep"):has-text("2 completed")`)),
    'the Runs view lists the sweep and its states',
  );
  await page.screenshot({ path: path.join(screens, 'e2e-runs-tree.png') });
  await ckptRow.click({ button: 'right' });
  await menuPick('Evaluate');
  await notification('step 10: translation accuracy', 120_000);
  check(fs.existsSync(path.join(secondDir, 'eval', 'step-00000010.json')), 'Evaluate wrote the report into <run>/eval/');
  await page.waitForTimeout(1500);
  const evaluated = await page.waitForSelector(`${runsPane} .monaco-list-row:has-text("step 10")`);
  check(/\d+\.\d%/.test(await evaluated.textContent()), `the row shows the accuracy (${await evaluated.textContent()})`);
  await page.screenshot({ path: path.join(screens, 'e2e-runs-evaluated.png') });

  console.log('a failing start is reported with the cause');
  await palette('DTN: Start Training', 'broken.dtn.json');
  await notification('failed: No encoder', 60_000);
  check(
    Boolean(
      await page.$(
        '.notification-toast a.monaco-button:text("Pretrain Encoder"), .notification-toast .monaco-button:text("Pretrain Encoder")',
      ),
    ),
    'notification offers Pretrain Encoder',
  );
  await page.screenshot({ path: path.join(screens, 'e2e-crash.png') });
  console.log('translate a PNG from the explorer, then save it next to the input');
  const grids = fs.readdirSync(path.join(runDir, 'samples'));
  fs.copyFileSync(path.join(runDir, 'samples', grids.at(-1)), path.join(ws, 'digit.png'));
  await palette('View: Close All Editors');
  await page.keyboard.press('Control+Shift+E');
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^digit\.png$/ }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click({ button: 'right' });
  // Right-click to result, cold (dtn serve starts) and, below, warm: printed as figures, not asserted.
  const outputShown = async (frame, notSrc) => {
    for (let i = 0; i < 600; i++) {
      const img = await frame.$eval('#results .item img.output', (i) => [i.src, i.complete && i.naturalWidth > 0]).catch(() => null);
      if (img && img[1] && img[0] !== notSrc) return img[0];
      await page.waitForTimeout(50);
    }
    throw new Error('no translation shown');
  };
  const coldStart = await menuPick('Translate Image');
  const tr = await frameWith('#results .item img.output', 90_000);
  const firstSrc = await outputShown(tr);
  const coldMs = Date.now() - coldStart;
  // The newest run (the CLI's second one) translates: its newest checkpoint, as no best or choice exists.
  const line = await waitText(tr, '#checkpoint', /step \d+ /);
  const runIds = fs.readdirSync(path.join(ws, '.dtn', 'runs'));
  check(
    runIds.some((id) => line.startsWith(`${id} · step `)),
    `the panel names the run and step (${line})`,
  );
  check(Boolean(await tr.$('#results .item img.model-input')), 'the input as the model sees it, beside the output');
  const loaded = await tr.$eval('#results .item img.output', (i) => i.complete && i.naturalWidth > 0).catch(() => false);
  check(loaded, 'the output image loads in the panel');
  check(fs.readdirSync(path.join(ws, '.dtn', 'translations')).length === 1, 'outputs went to .dtn/translations/<time>/');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(screens, 'e2e-translate-dark.png') });
  await tr.click('#results .item .btn-save-next');
  const saved = path.join(ws, 'digit.dtn.png');
  for (let i = 0; i < 20 && !fs.existsSync(saved); i++) await page.waitForTimeout(500);
  check(fs.existsSync(saved), 'Save Next to Input writes digit.dtn.png');
  await waitText(tr, '#notice', /Saved .*digit\.dtn\.png/, 10_000).catch(() => undefined);
  await row.click({ button: 'right' });
  const warmStart = await menuPick('Translate Image');
  await outputShown(await frameWith('#results .item img.output'), firstSrc);
  console.log(`  latency, right-click to result panel: cold ${coldMs} ms, warm ${Date.now() - warmStart} ms`);
  await useTheme('light');
  await page.screenshot({ path: path.join(screens, 'e2e-translate-light.png') });

  console.log('faces: a photo translates through its detected face, shown beside the emoji');
  // A tiny faces -> emoji run from the CLI, now the newest run: translation picks it up.
  const faces = {
    name: 'e2e-faces',
    backend: 'wasm',
    architecture: { kind: 'faces', generatorWidths: [8, 8, 8, 8], discriminatorSize: 32, discriminatorWidths: [8, 8] },
    encoder: { name: 'face-recognition-net' },
    source: { kind: 'face-api-demo-photos', count: 4 },
    target: { kind: 'emoji', count: 8 },
    train: { steps: 2, batchSize: 2, logEvery: 1, sampleEvery: 2, checkpointEvery: 2, sampleCount: 4 },
    eval: { count: 4 },
  };
  fs.writeFileSync(path.join(ws, 'faces.dtn.json'), JSON.stringify(faces, null, 2));
  const facesRun = spawnSync(process.execPath, [cli, 'train', '--config', 'faces.dtn.json'], { cwd: ws, encoding: 'utf8' });
  check(facesRun.status === 0, `the CLI trained a faces run (${facesRun.stderr.slice(-200)})`);
  const demo = path.join(repo, 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg');
  fs.copyFileSync(demo, path.join(ws, 'face.jpg'));
  await palette('View: Close All Editors');
  await page.keyboard.press('Control+Shift+E');
  const faceRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^face\.jpg$/ }).first();
  await faceRow.waitFor({ state: 'visible', timeout: 30_000 });
  await faceRow.click({ button: 'right' });
  await menuPick('Translate Image');
  const ftr = await frameWith('#results .item img.output', 180_000);
  // The panel still shows the digit until the faces run's translation replaces it.
  const faceLine = await waitText(ftr, '#checkpoint', /e2e-faces.* · step 2 /, 180_000);
  await outputShown(ftr);
  check(/identity top-1/.test(faceLine), `the panel names the faces run and its identity metric (${faceLine})`);
  const caption = await ftr.$eval('#results .item figcaption', (c) => c.textContent).catch(() => '');
  check(/detected face/.test(caption ?? ''), `the crop beside the emoji is labelled as the detected face (${caption})`);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(screens, 'e2e-translate-face.png') });

  check(cspErrors.length === 0, `no CSP violations (${cspErrors.slice(0, 2).join(' | ')})`);
  if (failures.length) throw new Error(`e2e failed: ${failures.join('; ')}`);
  console.log('e2e passed');
} catch (err) {
  // What the screen showed when a step gave up: the first thing to look at.
  await page?.screenshot({ path: path.join(screens, 'e2e-failure.png') }).catch(() => undefined);
  console.log(`screenshot of the failure: ${path.join(screens, 'e2e-failure.png')}`);
  throw err;
} finally {
  await browser?.close();
  server.kill();
  fs.rmSync(root, { recursive: true, force: true });
}
