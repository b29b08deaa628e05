// A sweep run from the CLI (`dtn sweep`): "DTN: Open Sweep…" compares its runs in one panel, and the
// Runs view lists the sweep with its runs' states.
import { spawnSync } from 'node:child_process';
import { until } from '../harness/workbench.mjs';

export default {
  name: 'sweeps',
  async run({ wb, check, cli, ws }) {
    const { page } = wb;
    const args = ['sweep', '--config', 'e2e.dtn.json', '--seeds', '1', '--set', 'train.steps=10', '--set', 'train.emaDecay=0,0.9'];
    const sweep = spawnSync(process.execPath, [cli, ...args, '--parallel', '2', '--name', 'e2e-sweep'], { cwd: ws, encoding: 'utf8' });
    check(sweep.status === 0, `dtn sweep of 2 variants${sweep.status ? `: ${sweep.stderr.slice(-300)}` : ''}`);

    await wb.palette('DTN: Open Sweep…', 'e2e-sweep');
    // Its own Compare panel: the earlier comparison's panel is open too, so find the frame by its title.
    const cmp = await until(
      "the sweep's Compare panel",
      async () => {
        for (const f of page.frames())
          if (
            /Sweep e2e-sweep/.test(
              (await f
                .$('#compare-title')
                .then((e) => e?.textContent())
                .catch(() => '')) ?? '',
            )
          )
            return f;
        return undefined;
      },
      30_000,
    );
    await until('both runs in the legend', async () => (await cmp.$$('#legend .chip')).length === 2, 10_000).catch(() => undefined);
    const chips = await cmp.$$eval('#legend .chip', (cs) => cs.map((c) => c.textContent ?? ''));
    check(
      chips.length === 2 && chips.some((c) => c.includes('e2e-sweep v2-emaDecay_0.9-seed1')),
      `the sweep's two runs are compared (${chips.join(' | ')})`,
    );
    check(await cmp.$eval('#btn-report', (b) => !b.hidden && /summary\.md/.test(b.textContent ?? '')), 'its summary.md is one click away');
    const tabs = await page.$$eval('.tab', (ts) => ts.map((t) => t.textContent ?? ''));
    check(
      tabs.some((t) => /DTN Sweep: e2e-sweep/.test(t)),
      `the tab says which sweep (${tabs.join(' | ')})`,
    );
    await wb.screenshot('e2e-sweep-compare');

    await wb.showDtnViews();
    const runsPane = '.pane:has(.pane-header[aria-label^="Runs"])';
    const row = page.locator(`${runsPane} .monaco-list-row`, { hasText: 'sweep e2e-sweep' }).filter({ hasText: '2 completed' }).first();
    await row.waitFor({ timeout: 30_000 }).catch(() => undefined);
    check(await row.isVisible(), 'the Runs view lists the sweep and its states');
  },
};
