// Compare's "Samples at one step": each run's grid at the newest step they share, a tile inspectable.
export default {
  name: 'compare samples',
  async run({ wb, check }) {
    const cmp = await wb.frameWith('#compare-samples');
    await wb.waitText(cmp, '#sample-step-label', /step 10$/, 20_000);
    await cmp.$eval('#compare-samples', (e) => e.scrollIntoView());
    const lanes = await cmp.$$eval('#compare-grids .lane-label', (ls) => ls.map((l) => l.textContent));
    const runs = await cmp.$$eval('#legend .chip-label', (ls) => ls.map((l) => l.textContent));
    check(
      runs.length === 2 && runs.every((n) => lanes.some((l) => l.startsWith(n))),
      `Compare shows each run's grid at the newest common step (${lanes.join(' | ')})`,
    );
    const box = await (await cmp.$('#compare-grids canvas')).boundingBox();
    await cmp.click('#compare-grids canvas', { position: { x: (box.width * 20) / 274, y: 10 } });
    await wb.waitText(cmp, '#compare-inspector-title', /tile 1 of 8/, 10_000);
    await wb.screenshot('e2e-compare-samples');
  },
};
