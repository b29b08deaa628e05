/** Where sample tiles go on a panel's canvas (no DOM). */
import * as assert from 'node:assert/strict';
import { gridGeometry } from '../../../src/shared/sampleIndex';
import { BLOCK_GAP, columnsFor, fitScale, hitTile, layoutLanes, tileCaption } from '../../../src/webviews/common/tileLayout';
import { index8 } from '../../shared/sampleIndexFixture';

const g = gridGeometry(274, 70, index8)!;

describe('tile layout', () => {
  it('lanes: source, G(x) at A and at B, tile by tile, each lane from its own grid row', () => {
    const layout = layoutLanes(
      [
        { label: 'source', image: 'A', geometry: g, row: 0 },
        { label: 'A', image: 'A', geometry: g, row: 1 },
        { label: 'B', image: 'B', geometry: g, row: 1 },
      ],
      8,
      16,
    )!;
    assert.deepEqual([layout.columns, layout.blocks, layout.width, layout.height], [8, 1, 274, 2 + 3 * 34]);
    const tile3 = layout.placements.filter((p) => p.tile === 3);
    assert.deepEqual(
      tile3.map((p) => [p.image, p.sx, p.sy, p.dx, p.dy]),
      [
        ['A', 104, 2, 104, 2],
        ['A', 104, 36, 104, 36],
        ['B', 104, 36, 104, 70],
      ],
    );
  });

  it('wraps many tiles into blocks, shows only the first N, and finds the tile under a point', () => {
    const lanes = [
      { label: 's', image: 'A', geometry: g, row: 0 as const },
      { label: 'g', image: 'A', geometry: g, row: 1 as const },
    ];
    const layout = layoutLanes(lanes, 6, 4)!;
    assert.deepEqual([layout.columns, layout.blocks], [4, 2]);
    assert.equal(layout.placements.length, 12, 'six tiles, two lanes each');
    const t5 = layout.placements.find((p) => p.tile === 5 && p.lane === 1)!;
    assert.deepEqual([t5.sx, t5.dx, t5.dy], [2 + 5 * 34, 2 + 34, 70 + BLOCK_GAP + 36]);
    assert.deepEqual(hitTile(layout, t5.dx + 3, t5.dy + 3), { tile: 5, lane: 1 });
    assert.equal(hitTile(layout, 1, 1), undefined, 'the padding is no tile');
    assert.equal(hitTile(layout, 3 * 34 + 10, 70 + BLOCK_GAP + 10), undefined, 'nor the empty end of the last block');
    assert.equal(layoutLanes([], 8, 8), undefined);
  });

  it('fits the panel width, with columns that keep tiles at least twice their size', () => {
    assert.equal(fitScale({ width: 274 }, 822), 3);
    assert.equal(fitScale({ width: 274 }, 10), 0.25);
    assert.equal(columnsFor(g, 1000), 14);
    assert.equal(columnsFor(g, 300), 4);
    assert.equal(columnsFor(g, 10), 1);
    assert.equal(columnsFor(g, 100_000), 16);
  });

  it('captions a tile with its source image and label, or says the grid predates the index', () => {
    assert.equal(tileCaption(g, 3), 'tile 4 of 8 · held-out image #3 · label 3');
    assert.match(tileCaption(gridGeometry(274, 70)!, 0), /tile 1 of 8 · no tile names/);
    const training = gridGeometry(274, 70, {
      ...index8,
      source: { kind: 'training', origin: 'faces' },
      tiles: index8.tiles.map((t) => ({ index: t.index * 10 })),
    })!;
    assert.equal(tileCaption(training, 2), 'tile 3 of 8 · training image #20');
  });
});
