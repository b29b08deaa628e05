// Start Training from the palette: the dashboard's charts grow, the sample preview shows a grid, the
// status bar counts steps, a checkpoint appears in the Runs view; Stop writes a final checkpoint.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { until } from '../harness/workbench.mjs';

const recordsIn = (text) => Number(/(\d+) records/.exec(text)?.[1] ?? 0);

export default {
  name: 'training',
  async run({ wb, check, ws, state }) {
    const { page } = wb;
    await wb.palette('DTN: Start Training', 'e2e.dtn.json');
    state.defaultName = await wb.answerRunLabel({ notes: 'first e2e run' });
    check(
      /^e2e-[0-9a-z]{5}$/.test(state.defaultName),
      `Start Training offers the config name and a short id as the name (${state.defaultName})`,
    );
    const dash = await wb.frameWith('#charts');
    const first = await wb.waitText(dash, '#stats', /step ([5-9]|\d{2,}) \//);
    check((await dash.$$('#charts canvas')).length >= 6, 'a chart for each loss term');
    const later = await wb.waitText(dash, '#stats', new RegExp(`(${recordsIn(first) + 10}|[1-9]\\d{2,}) records`), 120_000).catch(() => '');
    check(
      recordsIn(later) >= recordsIn(first) + 10,
      `the charts grow while it trains (${recordsIn(first)} -> ${recordsIn(later)} records)`,
    );

    const samples = await wb.frameWith('#sample-grid');
    await wb.waitText(samples, '#sample-caption', /following newest/);
    // Polled from here: a webview behind another tab gets no animation frames to poll with.
    const [w, h] = await until('the sample grid to be drawn', () =>
      samples.$eval('#sample-grid', (c) => (c.width > 0 ? [c.width, c.height] : undefined)),
    );
    check(w > 0 && h > 0, `the sample preview shows a grid (${w}x${h})`);
    const status = page.locator('.statusbar .statusbar-item', { hasText: /DTN \d+\/400/ }).first();
    await status.waitFor({ timeout: 30_000 });
    check(await status.isVisible(), `the status bar shows step / total (${(await status.textContent())?.trim()})`);

    // The checkpoint of step 50 appears under the live run in the Runs view.
    const runsRoot = path.join(ws, '.dtn', 'runs');
    const runId = fs.readdirSync(runsRoot)[0];
    state.runDir = path.join(runsRoot, runId);
    await wb.showDtnViews();
    const runsPane = '.pane:has(.pane-header[aria-label^="Runs"])';
    const runRow = await page.waitForSelector(`${runsPane} .monaco-list-row:has-text("${state.defaultName}")`, { timeout: 30_000 });
    if ((await runRow.getAttribute('aria-expanded')) !== 'true') await (await runRow.$('.monaco-tl-twistie')).click();
    await page.waitForSelector(`${runsPane} .monaco-list-row:has-text("step 50")`, { timeout: 180_000 });
    check(
      fs.existsSync(path.join(state.runDir, 'checkpoints', 'step-00000050', 'manifest.json')),
      'checkpoint step 50 in the Runs view and on disk',
    );
    await wb.screenshot('e2e-live-dark');

    await wb.palette('DTN: Stop Training');
    const stopToast = await page.waitForSelector('.notification-toast:has-text("stopped at step")', { timeout: 90_000 });
    check(
      !(await stopToast.$('.monaco-button:text("Open Dashboard")')) && !(await stopToast.$('.monaco-button:text("Open Samples")')),
      'the stop notification offers no panel that is already open',
    );
    check(
      await until('the stopping notification to go', async () => !(await page.$('.notification-toast:has-text("stopping")')), 10_000).catch(
        () => false,
      ),
      'no "stopping…" notification is left once the run has stopped',
    );
    const label = JSON.parse(fs.readFileSync(path.join(state.runDir, 'label.json'), 'utf8'));
    check(
      label.name === state.defaultName && label.notes === 'first e2e run',
      `label.json holds the name and notes (${JSON.stringify(label)})`,
    );
    const info = JSON.parse(fs.readFileSync(path.join(state.runDir, 'run.json'), 'utf8'));
    check(info.status === 'stopped', 'run.json says stopped');
    check(
      fs.existsSync(path.join(state.runDir, 'checkpoints', `step-${String(info.lastStep).padStart(8, '0')}`, 'manifest.json')),
      `checkpoint of the last step (${info.lastStep})`,
    );
    state.records = fs.readFileSync(path.join(state.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').length;
  },
};
