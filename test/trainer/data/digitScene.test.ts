import { strict as assert } from 'node:assert';
import { digitFontList } from '../../../src/trainer/data/digitGlyphs';
import { digitScene, gaussianBlur, glyphId } from '../../../src/trainer/data/digitScene';
import { Rng } from '../../../src/trainer/data/rng';
import { rasteriseSheet } from '../../../src/trainer/data/svgSheet';

/** Standard normal CDF (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7). */
function phi(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

describe('digitScene', function () {
  this.timeout(60_000);

  it('makes the same scene from the same stream, drawing the label first', () => {
    const fonts = digitFontList();
    for (let seed = 1; seed <= 50; seed++) {
      const a = digitScene(32, seed % 10, new Rng(seed), fonts, 'x');
      assert.deepEqual(digitScene(32, seed % 10, new Rng(seed), fonts, 'x'), a);
      assert.match(a.glyphs[0], new RegExp(`^g\\d+_${seed % 10}$`));
      assert.ok(a.glyphs.every((g) => a.svg.includes(`href="#${g}"`)));
      assert.ok(/^g(\d+)_\d$/.test(glyphId(fonts.length - 1, 9)));
    }
  });

  it('picks every face alike, hand-lettered ones included', () => {
    const fonts = digitFontList(true);
    const picks = new Array<number>(fonts.length).fill(0);
    const n = 3600;
    for (let seed = 1; seed <= n; seed++) picks[Number(/^g(\d+)_/.exec(digitScene(32, 3, new Rng(seed), fonts, 'x').glyphs[0])![1])]++;
    assert.ok(Math.min(...picks) > 0, picks.join(' '));
    const hand = fonts.reduce((sum, f, i) => sum + (f.style === 'hand' ? picks[i] : 0), 0);
    // 16 of 36 faces: 1,600 expected, binomial sd 30.
    assert.ok(Math.abs(hand - 1600) < 150, `${hand} of ${n} in hand-lettered faces`);
  });

  it('blurs with the standard deviation it is given (a step edge follows the normal CDF)', async () => {
    for (const sigma of [0.5, 0.8, 1.1]) {
      // A black half-plane on white, the black blurred: across the edge at x = 16 the grey follows phi.
      const filter = `<filter id="b" filterUnits="userSpaceOnUse" x="0" y="0" width="32" height="32">${gaussianBlur(sigma)}</filter>`;
      const scene = `<defs>${filter}</defs>
        <rect width="32" height="32" fill="#fff"/><g filter="url(#b)"><rect x="16" y="-8" width="40" height="48" fill="#000"/></g>`;
      const [cell] = await rasteriseSheet([scene], '', { cell: 32, columns: 1, rows: 1 });
      for (let x = 13; x <= 18; x++) {
        const expected = 255 * (1 - phi((x + 0.5 - 16) / sigma));
        const got = cell[(16 * 32 + x) * 4];
        // The kernel samples the Gaussian at pixel centres: at 0.5 px that is 13 levels off the ideal edge.
        assert.ok(Math.abs(got - expected) <= 16, `sigma ${sigma}, x ${x}: ${got} vs ${expected.toFixed(0)}`);
      }
    }
  });
});
