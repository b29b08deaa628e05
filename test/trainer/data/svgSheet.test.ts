import { strict as assert } from 'node:assert';
import { rasteriseSheet } from '../../../src/trainer/data/svgSheet';

/** RGBA of pixel (x, y) of a cell x cell buffer. */
const px = (buf: Buffer, cell: number, x: number, y: number) => Array.from(buf.subarray((y * cell + x) * 4, (y * cell + x) * 4 + 4));

describe('rasteriseSheet', function () {
  this.timeout(60_000);
  const layout = { cell: 8, columns: 3, rows: 2 };
  const colours = ['#ff0000', '#00ff00', '#0000ff', '#ffff00', '#00ffff'];
  // Each scene fills its cell and draws a band far outside it, which the cell must clip.
  const scenes = colours.map((c) => `<rect width="8" height="8" fill="${c}"/><rect x="-20" y="4" width="60" height="2" fill="#000"/>`);

  it('puts each scene in its own cell, in order, clipped to the cell', async () => {
    const cells = await rasteriseSheet(scenes, '', layout);
    assert.equal(cells.length, 5);
    const rgb = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 0],
      [0, 255, 255],
    ];
    cells.forEach((cell, k) => {
      assert.equal(cell.length, 8 * 8 * 4);
      assert.deepEqual(px(cell, 8, 1, 1), [...rgb[k], 255], `cell ${k} top`);
      assert.deepEqual(px(cell, 8, 7, 7), [...rgb[k], 255], `cell ${k} bottom`);
      assert.deepEqual(px(cell, 8, 0, 4), [0, 0, 0, 255], `cell ${k} band`);
    });
  });

  it('gives a scene the same pixels whatever else shares the sheet, and refers to shared defs', async () => {
    const defs = '<path id="tri" d="M0 0L8 0L0 8Z"/>';
    const withTri = scenes.map((s) => `${s}<use href="#tri" fill="#fff"/>`);
    const all = await rasteriseSheet(withTri, defs, layout);
    const one = await rasteriseSheet(withTri.slice(0, 1), defs, layout);
    assert.ok(one[0].equals(all[0]));
    assert.deepEqual(px(all[2], 8, 1, 1), [255, 255, 255, 255]);
  });

  it('refuses more scenes than cells', async () => {
    await assert.rejects(rasteriseSheet([...scenes, ...scenes], '', layout), /do not fit a 3x2 sheet/);
  });
});
