import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { progressFacts, TRANSLATIONS_DIR } from '../../../src/extension/walkthrough/progressFacts';

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'v0.1.0');

describe('walkthrough progress, read from the workspace', () => {
  let ws: string;
  beforeEach(() => (ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-progress-'))));
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));
  const facts = () => progressFacts([ws], (d) => path.join(d, '.dtn', 'runs'));

  it('an empty workspace has done nothing yet', () => {
    assert.deepEqual(facts(), { hasEncoder: false, hasClassifier: false, hasRun: false, hasTranslation: false });
  });

  it('each step is ticked by what it leaves on disk, and only by that', () => {
    // A folder that is not a pretrained encoder, an empty classifier folder, a run root with no run: none counts.
    fs.mkdirSync(path.join(ws, '.dtn', 'encoders', 'junk'), { recursive: true });
    fs.mkdirSync(path.join(ws, '.dtn', 'classifiers', 'digits'), { recursive: true });
    fs.mkdirSync(path.join(ws, '.dtn', 'runs', 'empty'), { recursive: true });
    fs.mkdirSync(path.join(ws, TRANSLATIONS_DIR, 'empty'), { recursive: true });
    assert.deepEqual(facts(), { hasEncoder: false, hasClassifier: false, hasRun: false, hasTranslation: false });

    fs.cpSync(path.join(FIXTURE, 'enc'), path.join(ws, '.dtn', 'encoders', 'digits'), { recursive: true });
    assert.equal(facts().hasEncoder, true);
    fs.cpSync(path.join(FIXTURE, 'enc'), path.join(ws, '.dtn', 'classifiers', 'digits'), { recursive: true });
    assert.equal(facts().hasClassifier, true);
    fs.cpSync(path.join(FIXTURE, 'runs', 'tiny'), path.join(ws, '.dtn', 'runs', 'tiny'), { recursive: true });
    assert.equal(facts().hasRun, true);
    fs.writeFileSync(path.join(ws, TRANSLATIONS_DIR, 'empty', 'digit.dtn.png'), '');
    assert.deepEqual(facts(), { hasEncoder: true, hasClassifier: true, hasRun: true, hasTranslation: true });
  });
});
