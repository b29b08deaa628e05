/** The translation panel acts only on outputs it showed, inside its output folder: crafted paths are refused. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { nextToInput, shownItem } from '../../../src/extension/panels/translatePaths';

const outDir = path.resolve('/w/.dtn/translations/20250101-x');
const items = [
  { input: path.resolve('/w/digits/a.png'), output: path.join(outDir, 'a.dtn.png') },
  { input: path.resolve('/w/b.jpg'), output: path.join(outDir, 'b.dtn.png') },
  // An item whose output lies outside the folder (never produced, but never trusted either).
  { input: path.resolve('/w/c.png'), output: path.resolve('/w/c.dtn.png') },
];

describe('translation panel paths', () => {
  it('finds a shown output by its path', () => {
    assert.equal(shownItem(items, outDir, path.join(outDir, 'a.dtn.png')), items[0]);
    assert.equal(shownItem(items, outDir, `${outDir}/./b.dtn.png`), items[1]);
  });

  it('refuses paths it did not show, outside the folder, or climbing out of it', () => {
    for (const crafted of [
      path.join(outDir, 'other.dtn.png'),
      path.resolve('/etc/passwd'),
      path.join(outDir, '..', '..', 'runs', 'r1', 'run.json'),
      `${outDir}/../20250101-x/../../../w/digits/a.png`,
      path.resolve('/w/c.dtn.png'),
      outDir,
      '',
      'a.dtn.png',
    ]) {
      assert.equal(shownItem(items, outDir, crafted), undefined, crafted);
    }
  });

  it('saves next to the input as <name>.dtn.png, never onto the input', () => {
    assert.equal(nextToInput(path.resolve('/w/digits/a.png')), path.resolve('/w/digits/a.dtn.png'));
    assert.equal(nextToInput(path.resolve('/w/b.jpg')), path.resolve('/w/b.dtn.png'));
  });
});
