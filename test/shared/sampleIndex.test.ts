import { strict as assert } from 'node:assert';
import { gridGeometry, gridPixelSize, sameSources, SampleIndexSchema, tileRect } from '../../src/shared/sampleIndex';
import { index8 } from './sampleIndexFixture';

describe('sample index', () => {
  it('lays tiles out as the trainer draws them: a row of sources above a row of translations', () => {
    assert.deepEqual(gridPixelSize({ count: 8, tileHeight: 32, tileWidth: 32, pad: 2 }), { width: 274, height: 70 });
    const g = gridGeometry(274, 70, index8)!;
    assert.deepEqual(tileRect(g, 0, 0), { x: 2, y: 2, width: 32, height: 32 });
    assert.deepEqual(tileRect(g, 3, 1), { x: 2 + 3 * 34, y: 36, width: 32, height: 32 });
    assert.equal(g.tiles?.[3].label, '3');
  });

  it('infers the tiles of a grid without an index (older runs), or of one the index does not describe', () => {
    assert.deepEqual(gridGeometry(274, 70), { count: 8, tileHeight: 32, tileWidth: 32, pad: 2 });
    assert.deepEqual(gridGeometry(2 + 4 * 66, 134, index8), { count: 4, tileHeight: 64, tileWidth: 64, pad: 2 }, 'a 64 px faces grid');
    assert.equal(gridGeometry(274, 70, { ...index8, since: 100 }, 50)?.tiles, undefined, 'a grid from before the index');
    assert.ok(gridGeometry(274, 70, { ...index8, since: 100 }, 100)?.tiles);
    assert.equal(gridGeometry(275, 70), undefined, 'not a grid');
    assert.equal(gridGeometry(10, 3), undefined);
  });

  it('validates what it reads: one tile entry per tile, sane sizes', () => {
    assert.ok(SampleIndexSchema.safeParse(index8).success);
    assert.ok(!SampleIndexSchema.safeParse({ ...index8, tiles: index8.tiles.slice(1) }).success);
    assert.ok(!SampleIndexSchema.safeParse({ ...index8, tile: { height: -1, width: 32 } }).success);
    assert.ok(!SampleIndexSchema.safeParse({ ...index8, kind: 'other' }).success);
  });

  it('grids show the same sources when set and picks agree', () => {
    assert.ok(sameSources(index8, { ...index8, since: 40 }));
    assert.ok(!sameSources(index8, { ...index8, source: { kind: 'training', origin: 'x' } }));
    assert.ok(!sameSources(index8, { ...index8, tiles: index8.tiles.map((t) => ({ ...t, index: t.index + 1 })) }));
    assert.ok(!sameSources(index8, undefined));
  });
});
