import { strict as assert } from 'node:assert';
import { EMOJI_STYLES } from '../../../../src/shared/config';
import { avatarSvg, renderAvatar } from '../../../../src/trainer/data/emoji/renderAvatar';

describe('renderAvatar', () => {
  it('renders every style to size x size RGB through the SVG renderer', async () => {
    for (const style of EMOJI_STYLES) {
      const rgb = await renderAvatar(style, '1-0', 24);
      assert.equal(rgb.length, 24 * 24 * 3, style);
      // Not a blank square: a face has many distinct colours.
      assert.ok(new Set(Array.from({ length: 24 * 24 }, (_, p) => rgb.readUIntBE(3 * p, 3))).size > 8, style);
    }
  });

  it('flattens transparency onto white', async () => {
    // avataaars leaves its top corners empty.
    const rgb = await renderAvatar('avataaars', '1-0', 32);
    assert.deepEqual([...rgb.subarray(0, 3)], [255, 255, 255]);
  });

  it('is a function of style and seed', async () => {
    const a = await renderAvatar('micah', 'x', 16);
    assert.ok(a.equals(await renderAvatar('micah', 'x', 16)));
    assert.ok(!a.equals(await renderAvatar('micah', 'y', 16)));
    assert.ok(!a.equals(await renderAvatar('personas', 'x', 16)));
  });

  it('sizes the SVG itself, so librsvg draws at the final size', () => {
    assert.match(avatarSvg('big-smile', 's', 40), /^<svg [^>]*width="40" height="40"/);
  });
});
