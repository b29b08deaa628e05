// Config commands: New Config from the palette writes and opens a config extending a preset; a config
// with problems is refused before launch with each problem at file:line:col, and Go to Problem goes there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { until } from '../harness/workbench.mjs';

export default {
  name: 'config commands',
  async run({ wb, check, ws }) {
    const { page } = wb;
    await wb.palette('View: Close All Editors');
    await wb.palette('Notifications: Clear All Notifications');
    await wb.palette('DTN: New Config…', 'digits-quick');
    const box = '.quick-input-widget input.input';
    await page.waitForSelector('.quick-input-widget:has-text("names the file")', { state: 'visible', timeout: 15_000 });
    await page.fill(box, 'fresh');
    await page.keyboard.press('Enter');
    await wb.notification('created fresh.dtn.json', 30_000);
    const fresh = path.join(ws, 'fresh.dtn.json');
    check(
      fs.existsSync(fresh) && JSON.stringify(JSON.parse(fs.readFileSync(fresh, 'utf8'))) === '{"extends":"digits-quick","name":"fresh"}',
      'New Config wrote fresh.dtn.json extending the preset, under its name',
    );
    await page.waitForSelector('.tabs-container .tab:has-text("fresh.dtn.json")', { timeout: 15_000 });
    check(
      Boolean(await page.$('.notification-toast .monaco-button:text("Pretrain Encoder f")')),
      'the notification says f must be pretrained, and offers it',
    );
    await wb.screenshot('e2e-new-config');

    fs.writeFileSync(
      path.join(ws, 'invalid.dtn.json'),
      '{\n  "extends": "digits-quick",\n  "train": { "steps": -5 },\n  "colour": "red"\n}\n',
    );
    const runsRoot = path.join(ws, '.dtn', 'runs');
    const runsBefore = fs.readdirSync(runsRoot).length;
    await wb.palette('Notifications: Clear All Notifications');
    await wb.palette('DTN: Start Training', 'invalid.dtn.json');
    const refusal = await page.waitForSelector('.notification-toast:has-text("invalid.dtn.json has 2 problems")', { timeout: 30_000 });
    const text = await refusal.textContent();
    check(
      /invalid\.dtn\.json:3:23: train\.steps: .*use a number > 0/.test(text) && /invalid\.dtn\.json:4:3: colour: unknown field/.test(text),
      `the refusal places each problem (${text.slice(0, 200)})`,
    );
    check(
      !(await page.isVisible('.quick-input-widget:has-text("Name of the run")')),
      'no run name is asked for a config that cannot start',
    );
    check(fs.readdirSync(runsRoot).length === runsBefore, 'no trainer started: no run folder was created');
    await wb.screenshot('e2e-config-refused');
    await (await refusal.waitForSelector('.monaco-button:text("Go to Problem")', { timeout: 5000 })).click();
    await page.waitForSelector('.tabs-container .tab.active:has-text("invalid.dtn.json")', { timeout: 15_000 });
    const at = await until(
      'the cursor at Ln 3, Col 23',
      async () => /Ln 3, Col 23/.test(await page.textContent('.statusbar')),
      10_000,
    ).catch(() => false);
    check(at, 'Go to Problem puts the cursor on the first problem');
    await wb.screenshot('e2e-config-problem');
  },
};
