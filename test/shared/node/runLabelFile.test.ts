/** label.json on disk: read leniently, written whole and validated, only into run folders. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DtnError } from '../../../src/shared/errors';
import { readRunLabel, runDisplayName, runLabelPath, updateRunLabel, writeRunLabel } from '../../../src/shared/node/runLabelFile';

describe('label.json', () => {
  let root: string;
  let run: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-label-'));
    run = path.join(root, '20250101-120000-digits');
    fs.mkdirSync(run);
    fs.writeFileSync(path.join(run, 'run.json'), JSON.stringify({ status: 'completed' }));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a run without one (an old folder) is shown by its id; a damaged one reads as none', () => {
    assert.equal(readRunLabel(run), undefined);
    assert.equal(runDisplayName(run), '20250101-120000-digits');
    fs.writeFileSync(runLabelPath(run), '{"name": ');
    assert.equal(runDisplayName(run), '20250101-120000-digits');
    fs.writeFileSync(runLabelPath(run), JSON.stringify({ name: 'bad\nname' }));
    assert.equal(readRunLabel(run), undefined);
  });

  it('rename keeps the notes and unknown fields; clearing the notes removes them; no temporary file is left', () => {
    writeRunLabel(run, { name: 'first', notes: 'why', tags: ['a'] });
    updateRunLabel(run, { name: 'second' });
    assert.deepEqual(readRunLabel(run), { name: 'second', notes: 'why', tags: ['a'] });
    updateRunLabel(run, { notes: '' });
    assert.deepEqual(JSON.parse(fs.readFileSync(runLabelPath(run), 'utf8')), { name: 'second', tags: ['a'] });
    assert.deepEqual(fs.readdirSync(run).sort(), ['label.json', 'run.json']);
  });

  it('notes on a run without a label name it by its id', () => {
    updateRunLabel(run, { notes: 'baseline' });
    assert.deepEqual(readRunLabel(run), { name: '20250101-120000-digits', notes: 'baseline' });
  });

  it('refuses an invalid name (LABEL_INVALID, naming the file) and a folder that is not a run (RUN_INVALID)', () => {
    assert.throws(
      () => updateRunLabel(run, { name: ' ' }),
      (e: unknown) => e instanceof DtnError && e.code === 'LABEL_INVALID' && e.message.includes(runLabelPath(run)),
    );
    assert.equal(fs.existsSync(runLabelPath(run)), false);
    const other = path.join(root, 'not-a-run');
    fs.mkdirSync(other);
    assert.throws(
      () => updateRunLabel(other, { name: 'x' }),
      (e: unknown) => e instanceof DtnError && e.code === 'RUN_INVALID',
    );
    assert.deepEqual(fs.readdirSync(other), []);
  });
});
