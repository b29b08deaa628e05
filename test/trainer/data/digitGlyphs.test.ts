import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { digitFontList } from '../../../src/trainer/data/digitGlyphs';

const repo = path.resolve(__dirname, '../../..');

describe('digitGlyphs', function () {
  this.timeout(120_000);

  it('is what scripts/digitGlyphs.mjs makes from the font packages now (regenerate it when this fails)', () => {
    const out = JSON.parse(
      execFileSync(process.execPath, [path.join(repo, 'scripts/digitGlyphs.mjs'), '--stdout'], { encoding: 'utf8' }),
    ) as {
      glyphs: string;
      notices: string;
    };
    assert.ok(out.glyphs.length > 10_000 && out.notices.includes('SIL OPEN FONT LICENSE'), 'the generator produced no outlines');
    assert.ok(out.glyphs === fs.readFileSync(path.join(repo, 'src/trainer/data/digitGlyphs.json'), 'utf8'), 'digitGlyphs.json is stale');
    assert.ok(out.notices === fs.readFileSync(path.join(repo, 'FONT-NOTICES.md'), 'utf8'), 'FONT-NOTICES.md is stale');
  });

  it('holds every face with ten outlines, advances and a digit height', () => {
    const fonts = digitFontList(true);
    assert.equal(fonts.length, 36);
    assert.equal(new Set(fonts.map((f) => f.name)).size, fonts.length);
    for (const f of fonts) {
      assert.ok(f.digitHeight > 0.5 && f.digitHeight < 0.9, `${f.name}: ${f.digitHeight}`);
      // Hand-lettered ones are narrower: a "1" can be a single stroke.
      const narrowest = f.style === 'hand' ? 0.1 : 0.2;
      for (let d = 0; d < 10; d++) {
        assert.match(f.paths[d], /^M/, `${f.name} "${d}"`);
        assert.ok(f.advances[d] > narrowest * f.unitsPerEm && f.advances[d] < f.unitsPerEm, `${f.name} "${d}" advance`);
      }
    }
  });

  it('lists the printed faces alone, at the indexes they have among all faces', () => {
    const printed = digitFontList();
    const all = digitFontList(true);
    assert.equal(printed.length, 20);
    assert.ok(printed.every((f) => f.style === 'printed'));
    // A printed-only stream picks face i from the same list as before hand-lettered faces existed.
    assert.deepEqual(
      all.slice(0, printed.length).map((f) => f.name),
      printed.map((f) => f.name),
    );
    assert.deepEqual(
      all.slice(printed.length).map((f) => f.style),
      new Array(16).fill('hand'),
    );
    assert.ok(all.some((f) => f.name === 'Caveat 400') && !printed.some((f) => f.name === 'Caveat 400'));
  });
});
