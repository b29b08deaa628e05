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
  /** Start Training's name box (its default kept, or `name` typed) and notes box (`notes`, or none). */
  const answerRunLabel = async ({ name, notes } = {}) => {
    const box = '.quick-input-widget input.input';
    await page.waitForSelector(`.quick-input-widget:has-text("Name of the run")`, { state: 'visible', timeout: 30_000 });
    const shown = await page.inputValue(box);
    if (name !== undefined) {
      await page.keyboard.press('Control+A');
      await page.keyboard.type(name);
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.quick-input-widget:has-text("Notes")`, { state: 'visible', timeout: 30_000 });
    if (notes !== undefined) await page.keyboard.type(notes);
    await page.keyboard.press('Enter');
    return shown;
  };

  await open();
  console.log('start a run from a config');
  await palette('DTN: Start Training', 'e2e.dtn.json');
  const defaultName = await answerRunLabel({ notes: 'first e2e run' });
  check(/^e2e-[0-9a-z]{5}$/.test(defaultName), `Start Training offers the config name and a short id as the name (${defaultName})`);
  const dash = await frameWith('#charts');
  await waitText(dash, '#stats', /step (2\d|[3-9]\d|\d{3}) \//);
  check((await dash.$$('#charts canvas')).length >= 6, 'a chart for each loss term');
  const samples = await frameWith('#sample-grid');
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
  await page.waitForTimeout(1500);
  check(!(await page.$('.notification-toast:has-text("stopping")')), 'no "stopping…" notification is left once the run has stopped');
  const runDir = path.join(ws, '.dtn', 'runs', fs.readdirSync(path.join(ws, '.dtn', 'runs'))[0]);
  const info = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  const label = JSON.parse(fs.readFileSync(path.join(runDir, 'label.json'), 'utf8'));
  check(label.name === defaultName && label.notes === 'first e2e run', `label.json holds the name and notes (${JSON.stringify(label)})`);
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
  const samples2 = await frameWith('#sample-grid', 20_000).catch(async () => {
    await palette('DTN: Open Sample Preview');
    return frameWith('#sample-grid');
  });
  await samples2.$eval('#step-slider', (s) => {
    s.value = '1';
    s.dispatchEvent(new Event('input'));
  });
  check(/step 5 /.test(await samples2.textContent('#sample-caption')), 'slider scrubs to an older grid');

  console.log('the sample explorer: scaled grid, a tile large, step A beside B, zoom, filmstrip, playback');
  const grid = await samples2.$eval('#sample-grid', (c) => [c.width, c.height, c.getBoundingClientRect().width]);
  check(grid[0] === 274 && grid[2] > 2 * grid[0], `the 274 px grid is drawn crisply at ${Math.round(grid[2])} px, scaled to the panel`);
  const index = JSON.parse(fs.readFileSync(path.join(runDir, 'samples', 'index.json'), 'utf8'));
  check(index.source.kind === 'held-out' && index.tiles.length === 8, 'samples/index.json names 8 held-out source images');
  const box = await (await samples2.$('#sample-grid')).boundingBox();
  await samples2.click('#sample-grid', { position: { x: (box.width * (2 + 2 * 34 + 16)) / 274, y: (box.height * 18) / 70 } });
  const tileTitle = await waitText(samples2, '#inspector-title', /tile 3 of 8/, 10_000);
  check(
    tileTitle.includes(`held-out image #${index.tiles[2].index} · label ${index.tiles[2].label}`),
    `a clicked tile shows large with its source image and label (${tileTitle})`,
  );
  check((await samples2.$$('#inspector-tiles canvas')).length === 2, 'the inspector shows the source and its translation');
  check((await samples2.$$('#filmstrip .film-frame')).length >= 2, 'the filmstrip shows the tile over the steps');
  await page.screenshot({ path: path.join(screens, 'e2e-explorer-tile.png') });
  await samples2.click('#compare');
  await waitText(samples2, '#caption-b', /step \d+/, 10_000);
  const lanes = await samples2.$$eval('.lane-label', (ls) => ls.map((l) => l.textContent));
  check(lanes.filter((l) => /^G\(x\) · step/.test(l)).length === 2, `step A and step B rows, tile by tile (${lanes.join(' | ')})`);
  check((await samples2.$$('#inspector-tiles canvas')).length === 3, 'the inspector shows the source, G(x) at A and at B');
  await page.screenshot({ path: path.join(screens, 'e2e-explorer-ab.png') });
  await samples2.click('#zoom-in');
  await samples2.click('#zoom-in');
  const zoomText = await samples2.textContent('#zoom-label');
  check(/^\d+×$/.test(zoomText), `zoom in goes to a crisp integer scale (${zoomText})`);
  await page.screenshot({ path: path.join(screens, 'e2e-explorer-zoom.png') });
  await samples2.click('#zoom-fit');
  await samples2.click('#compare');
  await samples2.click('#play');
  await waitText(samples2, '#sample-caption', /playing/, 10_000);
  const f1 = await samples2.textContent('#sample-caption');
  await page.waitForTimeout(1200);
  check(f1 !== (await samples2.textContent('#sample-caption')), 'Play animates through the steps');
  await samples2.click('#play');

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
  await waitText(cmp, '#sample-step-label', /step 10$/, 20_000);
  await cmp.$eval('#compare-samples', (e) => e.scrollIntoView());
  const cmpLanes = await cmp.$$eval('#compare-grids .lane-label', (ls) => ls.map((l) => l.textContent));
  const runNames = await cmp.$$eval('#legend .chip-label', (ls) => ls.map((l) => l.textContent));
  check(
    runNames.every((n) => cmpLanes.some((l) => l.startsWith(n))),
    `Compare shows each run's grid at the newest common step (${cmpLanes.join(' | ')})`,
  );
  const cbox = await (await cmp.$('#compare-grids canvas')).boundingBox();
  await cmp.click('#compare-grids canvas', { position: { x: (cbox.width * 20) / 274, y: 10 } });
  await waitText(cmp, '#compare-inspector-title', /tile 1 of 8/, 10_000);
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(screens, 'e2e-compare-samples.png') });

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
  const secondName = JSON.parse(fs.readFileSync(path.join(secondDir, 'label.json'), 'utf8')).name;
  check(/^e2e-[0-9a-z]{5}$/.test(secondName) && secondName !== defaultName, `the CLI run has its own default name (${secondName})`);
  check(
    JSON.parse(fs.readFileSync(path.join(secondDir, 'run.json'), 'utf8')).best?.step === 10,
    'run.json of the CLI run records its best',
  );
  await page.click('.activitybar .action-item a[aria-label^="DTN Studio"], .activitybar .action-label[aria-label^="DTN Studio"]');
  const runsPane = '.pane:has(.pane-header[aria-label^="Runs"])';
  const runRow = await page.waitForSelector(`${runsPane} .monaco-list-row:has-text("${secondName}")`, { timeout: 30_000 });
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

  console.log('the experiments table, from the Runs view title bar');
  await page.hover(`${runsPane} .pane-header`);
  await page.click(`${runsPane} .pane-header .action-label[aria-label^="Open Experiments Table"]`);
  const table = await frameWith('#runs-table tbody tr');
  const tableNames = async () => table.$$eval('#runs-table tbody td.col-name', (tds) => tds.map((t) => t.firstChild?.textContent));
  check((await table.$$('#runs-table tbody tr')).length === 2, 'one row per run');
  check(
    (await tableNames()).includes(defaultName) && (await tableNames()).includes(secondName),
    `the rows are named (${await tableNames()})`,
  );
  const heads = await table.$$eval('#runs-table thead th button', (bs) => bs.map((b) => b.firstChild?.textContent));
  check(
    ['Name', 'Status', 'Steps', 'Best acc.', 'f-const.', 'Backend', 'Duration', 'seed', 'train.steps'].every((h) => heads.includes(h)),
    `columns for results and the config fields that differ (${heads.join(', ')})`,
  );
  // The whole table (every column) in the screenshot: its editor group maximized for a moment.
  await palette('View: Toggle Maximized Editor Group');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(screens, 'e2e-experiments-dark.png') });
  await palette('View: Toggle Maximized Editor Group');
  await table.locator('#filter input').fill('seed=2');
  await page.waitForTimeout(500);
  check(
    JSON.stringify(await tableNames()) === JSON.stringify([secondName]),
    `the filter seed=2 leaves the CLI run (${await tableNames()})`,
  );
  await table.locator('#filter input').fill('');
  await table.click('#runs-table thead th.col-best button');
  await page.waitForTimeout(300);
  const bestCells = await table.$$eval('#runs-table tbody td.col-best', (tds) => tds.map((t) => t.textContent));
  check(/%/.test(bestCells[0] ?? ''), `sorted by best accuracy, best first (${bestCells.join(' | ')})`);
  await table.click('#select-all');
  await page.waitForTimeout(300);
  check(!(await table.$eval('#btn-compare', (b) => b.hasAttribute('disabled'))), 'two runs selected: Compare is on');
  check(await table.$eval('#btn-open', (b) => b.hasAttribute('disabled')), 'two runs selected: Open is off');
  await page.screenshot({ path: path.join(screens, 'e2e-experiments-selected.png') });

  console.log('rename a run from the tree: the tree, the dashboard and the table show the name');
  const longName = 'baseline: digits-quick with the paper weights (alpha = beta = 15) and a much longer name than fits';
  const row2 = await page.waitForSelector(`${runsPane} .monaco-list-row:has-text("${secondName}")`);
  await row2.click({ button: 'right' });
  await menuPick('Rename…');
  await page.waitForSelector('.quick-input-widget:has-text("folder keeps the id")', { state: 'visible' });
  await page.keyboard.press('Control+A');
  await page.keyboard.type(longName);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(1000);
  check(
    JSON.parse(fs.readFileSync(path.join(secondDir, 'label.json'), 'utf8')).name === longName,
    'Rename wrote label.json; the folder keeps its id',
  );
  check(fs.existsSync(secondDir), 'the run folder was not moved');
  const renamed = await page.waitForSelector(`${runsPane} .monaco-list-row:has-text("baseline: digits-quick")`, { timeout: 15_000 });
  await renamed.click();
  const dash3 = await frameWith('#charts');
  await waitText(dash3, '#run-id', /^baseline: digits-quick .*than fits$/, 20_000);
  const wraps = await dash3.$eval('#run-id', (h) => h.scrollWidth <= h.clientWidth + 1);
  check(wraps, 'the long name is shown whole in the dashboard header (it wraps)');
  await page.screenshot({ path: path.join(screens, 'e2e-renamed-dashboard.png') });
  await palette('DTN: Open Experiments Table');
  const table2 = await frameWith('#runs-table tbody tr');
  const names2 = await table2.$$eval('#runs-table tbody td.col-name', (tds) => tds.map((t) => t.firstChild?.textContent));
  check(names2.includes(longName), `the table shows the new name (${names2})`);
  await page.screenshot({ path: path.join(screens, 'e2e-renamed-table.png') });

  console.log('a failing start is reported with the cause');
  await palette('DTN: Start Training', 'broken.dtn.json');
  await answerRunLabel();
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

  console.log('New Config from the palette: a preset, a name, the file written and opened');
  await palette('View: Close All Editors');
  await palette('Notifications: Clear All Notifications');
  await palette('DTN: New Config', 'digits-quick');
  await page.waitForSelector('.quick-input-widget input[aria-describedby], .quick-input-box input', { state: 'visible' });
  await page.waitForTimeout(500);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('fresh');
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await notification('created fresh.dtn.json', 30_000);
  const fresh = path.join(ws, 'fresh.dtn.json');
  check(
    fs.existsSync(fresh) && JSON.stringify(JSON.parse(fs.readFileSync(fresh, 'utf8'))) === '{"extends":"digits-quick","name":"fresh"}',
    'New Config wrote fresh.dtn.json extending the preset, under its name',
  );
  check(Boolean(await page.$('.tabs-container .tab:has-text("fresh.dtn.json")')), 'the new config is open in the editor');
  check(
    Boolean(await page.$('.notification-toast .monaco-button:text("Pretrain Encoder f")')),
    'the notification says f must be pretrained, and offers it',
  );
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(screens, 'e2e-new-config.png') });

  console.log('a config with problems is refused before launch, each problem at its line and column');
  fs.writeFileSync(
    path.join(ws, 'invalid.dtn.json'),
    '{\n  "extends": "digits-quick",\n  "train": { "steps": -5 },\n  "colour": "red"\n}\n',
  );
  const runsBefore = fs.readdirSync(path.join(ws, '.dtn', 'runs')).length;
  await palette('Notifications: Clear All Notifications');
  await palette('DTN: Start Training', 'invalid.dtn.json');
  const refusal = await page.waitForSelector('.notification-toast:has-text("invalid.dtn.json has 2 problems")', { timeout: 30_000 });
  const refusalText = await refusal.textContent();
  check(
    /invalid\.dtn\.json:3:23: train\.steps: .*use a number > 0/.test(refusalText) &&
      /invalid\.dtn\.json:4:3: colour: unknown field/.test(refusalText),
    `the refusal places each problem (${refusalText.slice(0, 200)})`,
  );
  check(Boolean(await refusal.$('.monaco-button:text("Go to Problem")')), 'the refusal offers Go to Problem');
  await page.waitForTimeout(2000);
  check(fs.readdirSync(path.join(ws, '.dtn', 'runs')).length === runsBefore, 'no trainer started: no run folder was created');
  await page.screenshot({ path: path.join(screens, 'e2e-config-refused.png') });
  await (await refusal.$('.monaco-button:text("Go to Problem")')).click();
  await page.waitForSelector('.tabs-container .tab.active:has-text("invalid.dtn.json")', { timeout: 15_000 });
  check(/Ln 3, Col 23/.test(await page.textContent('.statusbar')), 'Go to Problem puts the cursor on the first problem');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(screens, 'e2e-config-problem.png') });
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

  console.log('the walkthrough: its steps are ticked by what this workspace has done');
  await palette('DTN: Get Started');
  await page.waitForSelector('.gettingStartedContainer :text("Get Started with DTN Studio")', { timeout: 30_000 });
  await page.waitForTimeout(1500);
  const ticked = [];
  for (const title of ['Create a config', 'Pretrain the encoder f', 'Train the classifier', 'Start training', 'Translate an image']) {
    const step = page.locator('.getting-started-step', { hasText: title }).first();
    if (await step.locator('.codicon-getting-started-step-checked').count()) ticked.push(title);
  }
  check(ticked.length === 5, `every step the e2e workspace went through is ticked (${ticked.join(', ')})`);
  await page.screenshot({ path: path.join(screens, 'e2e-walkthrough.png') });

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
