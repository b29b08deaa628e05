// Run names: the experiments table (from the Runs view's title bar) with its columns, filter, sort and
// selection; Rename from the tree, shown in the tree, the dashboard and the table.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { until } from '../harness/workbench.mjs';

const runsPane = '.pane:has(.pane-header[aria-label^="Runs"])';
const namesIn = (table) => table.$$eval('#runs-table tbody td.col-name', (tds) => tds.map((t) => t.firstChild?.textContent));

export default {
  name: 'experiments table and rename',
  async run({ wb, check, state }) {
    const { page } = wb;
    const { defaultName, secondName, secondDir } = state;
    await wb.showDtnViews();
    await page.hover(`${runsPane} .pane-header`);
    await page.click(`${runsPane} .pane-header .action-label[aria-label^="Open Experiments Table"]`);
    const table = await wb.frameWith('#runs-table tbody tr');
    const names = await namesIn(table);
    check(names.length === 2 && names.includes(defaultName) && names.includes(secondName), `one named row per run (${names})`);
    const heads = await table.$$eval('#runs-table thead th button', (bs) => bs.map((b) => b.firstChild?.textContent));
    check(
      ['Name', 'Status', 'Steps', 'Best acc.', 'f-const.', 'Backend', 'Duration', 'seed', 'train.steps'].every((h) => heads.includes(h)),
      `columns for results and the config fields that differ (${heads.join(', ')})`,
    );
    await wb.screenshot('e2e-experiments-dark');

    await table.locator('#filter input').fill('seed=2');
    const filtered = await until(
      'the filter to apply',
      async () => {
        const n = await namesIn(table);
        return n.length === 1 ? n : undefined;
      },
      10_000,
    ).catch(() => []);
    check(JSON.stringify(filtered) === JSON.stringify([secondName]), `the filter seed=2 leaves the CLI run (${filtered})`);
    await table.locator('#filter input').fill('');
    await until('the filter to clear', async () => (await namesIn(table)).length === 2, 10_000);
    await table.click('#runs-table thead th.col-best button');
    const best = await table.$$eval('#runs-table tbody td.col-best', (tds) => tds.map((t) => t.textContent));
    check(/%/.test(best[0] ?? ''), `sorted by best accuracy, best first (${best.join(' | ')})`);
    await table.click('#select-all');
    await until('Compare to be on', () => table.$eval('#btn-compare', (b) => !b.hasAttribute('disabled')), 10_000);
    check(await table.$eval('#btn-open', (b) => b.hasAttribute('disabled')), 'two runs selected: Compare is on, Open is off');
    await wb.screenshot('e2e-experiments-selected');

    const longName = 'baseline: digits-quick with the paper weights (alpha = beta = 15) and a much longer name than fits';
    await (await page.waitForSelector(`${runsPane} .monaco-list-row:has-text("${secondName}")`)).click({ button: 'right' });
    await wb.menuPick('Rename…');
    await page.waitForSelector('.quick-input-widget:has-text("folder keeps the id")', { state: 'visible' });
    await page.keyboard.press('Control+A');
    await page.keyboard.type(longName);
    await page.keyboard.press('Enter');
    const renamed = await page.waitForSelector(`${runsPane} .monaco-list-row:has-text("baseline: digits-quick")`, { timeout: 15_000 });
    check(JSON.parse(fs.readFileSync(path.join(secondDir, 'label.json'), 'utf8')).name === longName, 'Rename wrote label.json');
    check(fs.existsSync(secondDir), 'the run folder keeps its id (not moved)');
    await renamed.click();
    const dash = await wb.frameWith('#charts');
    await wb.waitText(dash, '#run-id', /^baseline: digits-quick .*than fits$/, 20_000);
    check(await dash.$eval('#run-id', (h) => h.scrollWidth <= h.clientWidth + 1), 'the long name is shown whole in the dashboard header');
    await wb.screenshot('e2e-renamed-dashboard');
    await wb.palette('DTN: Open Experiments Table');
    const table2 = await wb.frameWith('#runs-table tbody tr');
    const shown = await until(
      'the table to show the new name',
      async () => ((await namesIn(table2)).includes(longName) ? true : undefined),
      15_000,
    ).catch(() => false);
    check(shown, `the table shows the new name (${await namesIn(table2)})`);
    await wb.screenshot('e2e-renamed-table');
  },
};
