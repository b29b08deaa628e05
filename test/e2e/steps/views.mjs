// The activity bar's DTN Studio container and its two trees, before any run exists.
export default {
  name: 'views',
  async run({ wb, check, ws }) {
    const { page } = wb;
    await wb.showDtnViews();
    const runsPane = '.pane:has(.pane-header[aria-label^="Runs"])';
    await page.waitForSelector(`${runsPane} :text("No runs in this workspace yet")`, { timeout: 30_000 });
    const configsPane = '.pane:has(.pane-header[aria-label^="Configs"])';
    await page.waitForSelector(`${configsPane} .monaco-list-row:has-text("e2e.dtn.json")`, { timeout: 30_000 });
    await page.waitForSelector(`${configsPane} .monaco-list-row:has-text("digits-quick")`);
    const encoders = (await import('node:fs')).readdirSync(`${ws}/.dtn/encoders`);
    for (const e of encoders) await page.waitForSelector(`${configsPane} .monaco-list-row:has-text("${e}")`, { timeout: 30_000 });
    check(encoders.length > 0, `the pretrained encoder is listed (${encoders.join(', ')})`);
    await wb.screenshot('e2e-views');
  },
};
