// The sample explorer on the finished run: the grid scaled crisply to the panel, a clicked tile shown
// large with its source image, step A beside step B, integer zoom, and playback over the steps.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { until } from '../harness/workbench.mjs';

export default {
  name: 'sample explorer',
  async run({ wb, check, state }) {
    const s = await wb.frameWith('#sample-grid');
    const grid = await s.$eval('#sample-grid', (c) => [c.width, c.height, c.getBoundingClientRect().width]);
    check(
      (grid[0] - 2) % 34 === 0 && grid[2] > 2 * grid[0],
      `the ${grid[0]} px grid is drawn crisply at ${Math.round(grid[2])} px, scaled to the panel`,
    );
    const index = JSON.parse(fs.readFileSync(path.join(state.runDir, 'samples', 'index.json'), 'utf8'));
    check(index.source.kind === 'held-out' && index.tiles.length === 8, 'samples/index.json names 8 held-out source images');

    // Tile 3 of the top row (tiles are 32 px with 2 px gaps; the top row holds the source images).
    const box = await (await s.$('#sample-grid')).boundingBox();
    await s.click('#sample-grid', { position: { x: (box.width * (2 + 2 * 34 + 16)) / grid[0], y: (box.height * 18) / grid[1] } });
    const title = await wb.waitText(s, '#inspector-title', /tile 3 of 8/, 10_000);
    check(
      title.includes(`held-out image #${index.tiles[2].index} · label ${index.tiles[2].label}`),
      `a clicked tile shows large with its source image and label (${title})`,
    );
    check((await s.$$('#inspector-tiles canvas')).length === 2, 'the inspector shows the source and its translation');
    check((await s.$$('#filmstrip .film-frame')).length >= 2, 'the filmstrip shows the tile over the steps');
    await wb.screenshot('e2e-explorer-tile');

    await s.click('#compare');
    await wb.waitText(s, '#caption-b', /step \d+/, 10_000);
    const lanes = await s.$$eval('.lane-label', (ls) => ls.map((l) => l.textContent));
    // The grid wraps into blocks of tiles, each labelling its rows: two distinct G(x) rows, A and B.
    check(new Set(lanes.filter((l) => /^G\(x\) · step/.test(l))).size === 2, `step A and step B rows, tile by tile (${lanes.join(' | ')})`);
    check((await s.$$('#inspector-tiles canvas')).length === 3, 'the inspector shows the source, G(x) at A and at B');
    await wb.screenshot('e2e-explorer-ab');

    await s.click('#zoom-in');
    await s.click('#zoom-in');
    const zoom = await s.textContent('#zoom-label');
    check(/^\d+×$/.test(zoom), `zoom in goes to a crisp integer scale (${zoom})`);
    await wb.screenshot('e2e-explorer-zoom');
    await s.click('#zoom-fit');
    await s.click('#compare');

    await s.click('#play');
    const first = await wb.waitText(s, '#sample-caption', /playing/, 10_000);
    const next = await until(
      'playback to move on',
      async () => {
        const now = await s.textContent('#sample-caption');
        return now !== first ? now : undefined;
      },
      10_000,
    ).catch(() => first);
    check(next !== first, `Play animates through the steps (${first} -> ${next})`);
    await s.click('#play');
  },
};
