// Compare two runs; in the Runs view the best checkpoint is starred and Evaluate works from its
// context menu.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dtn } from '../../integration/workspace.mjs';

export default {
  name: 'compare and evaluate',
  async run({ wb, check, ws, cli, state }) {
    const { page } = wb;
    dtn(cli, ws, ['train', '--config', 'e2e.dtn.json', '--steps', '10', '--seed', '2']);
    await wb.palette('DTN: Compare Runs…');
    // Tick every run with the picker's "toggle all" checkbox.
    const all = await page.waitForSelector('.quick-input-header [role=checkbox]', { state: 'visible' });
    if ((await all.getAttribute('aria-checked')) !== 'true') await all.click();
    await page.keyboard.press('Enter');
    const cmp = await wb.frameWith('#diff-table tbody tr');
    await until(cmp, '#legend .chip', 2);
    check((await cmp.$$('#legend .chip')).length === 2, 'the comparison shows both runs');
    const keys = await cmp.$$eval('#diff-table tbody th.key', (ths) => ths.map((t) => t.textContent));
    check(keys.includes('seed') && keys.includes('train.steps'), `the config differences list seed and train.steps (${keys.join(', ')})`);
    check((await cmp.$$('#charts canvas')).length >= 6, 'a chart per loss term, one line per run');
    await wb.screenshot('e2e-compare-dark');

    const runsRoot = path.join(ws, '.dtn', 'runs');
    const secondDir = fs
      .readdirSync(runsRoot)
      .map((n) => path.join(runsRoot, n))
      .find((d) => d !== state.runDir);
    state.secondDir = secondDir;
    const secondName = JSON.parse(fs.readFileSync(path.join(secondDir, 'label.json'), 'utf8')).name;
    state.secondName = secondName;
    check(/^e2e-[0-9a-z]{5}$/.test(secondName) && secondName !== state.defaultName, `the CLI run has its own default name (${secondName})`);
    check(
      JSON.parse(fs.readFileSync(path.join(secondDir, 'run.json'), 'utf8')).best?.step === 10,
      'run.json of the CLI run records its best',
    );
    await wb.showDtnViews();
    const runsPane = '.pane:has(.pane-header[aria-label^="Runs"])';
    const runRow = await page.waitForSelector(`${runsPane} .monaco-list-row:has-text("${secondName}")`, { timeout: 30_000 });
    if ((await runRow.getAttribute('aria-expanded')) !== 'true') await (await runRow.$('.monaco-tl-twistie')).click();
    const ckpt = `${runsPane} .monaco-list-row:has-text("step 10")`;
    const ckptRow = await page.waitForSelector(ckpt, { timeout: 30_000 });
    check(Boolean(await ckptRow.$('.codicon-star-full')), 'the best checkpoint has a star');
    check(/best/.test(await ckptRow.textContent()), 'its description says best');
    await wb.screenshot('e2e-runs-tree');
    await ckptRow.click({ button: 'right' });
    await wb.menuPick('Evaluate');
    await wb.notification('step 10: translation accuracy', 120_000);
    check(fs.existsSync(path.join(secondDir, 'eval', 'step-00000010.json')), 'Evaluate wrote the report into <run>/eval/');
    const evaluated = page.locator(ckpt, { hasText: /\d+\.\d%/ }).first();
    await evaluated.waitFor({ timeout: 30_000 });
    check(true, `the row shows the accuracy (${await evaluated.textContent()})`);
    await wb.screenshot('e2e-runs-evaluated');
  },
};

/** Waits until `frame` holds `n` elements matching `selector`. */
async function until(frame, selector, n) {
  await frame.waitForFunction(([s, k]) => document.querySelectorAll(s).length >= k, [selector, n], { timeout: 30_000 });
}
