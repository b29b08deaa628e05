import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planOutputs, type PlanEntry } from '../../../src/trainer/translate/outputPlan';
import { cleanTempDirs, tempDir } from '../data/tmp';

const outputs = (plan: PlanEntry[]) => plan.map((e) => (e.ok ? e.file.output : `FAIL ${e.code}`));

describe('planOutputs', () => {
  after(cleanTempDirs);

  function tree(): string {
    const dir = tempDir();
    const files = [
      'a.png',
      'a.jpg',
      'b.webp',
      'notes.txt',
      '.hidden.png',
      'old.dtn.png',
      'old.dtn.x4.png',
      'sub/c.gif',
      'sub/deeper/d.bmp',
    ];
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), 'x');
    }
    return dir;
  }

  it('a folder: its images in name order, sub-folders mirrored, own outputs skipped; a name clash keeps the extension', () => {
    const dir = tree();
    const out = path.join(dir, 'out');
    const plan = planOutputs([dir], out, 4);
    const expected = ['a.dtn.png', 'a.png.dtn.png', 'b.dtn.png', 'sub/c.dtn.png', 'sub/deeper/d.dtn.png'];
    assert.deepEqual(
      outputs(plan),
      expected.map((f) => path.join(out, f)),
    );
    assert.ok(plan[0].ok && plan[0].file.scaled === path.join(out, 'a.dtn.x4.png'));
  });

  it('one file with --out x.png writes that file; with a folder --out, <name>.dtn.png', () => {
    const dir = tree();
    const a = path.join(dir, 'a.png');
    assert.deepEqual(outputs(planOutputs([a], path.join(dir, 'x.png'), 2)), [path.join(dir, 'x.png')]);
    const [e] = planOutputs([a], path.join(dir, 'x.png'), 2);
    assert.ok(e.ok && e.file.scaled === path.join(dir, 'x.x2.png'));
    assert.deepEqual(outputs(planOutputs([a], path.join(dir, 'o'))), [path.join(dir, 'o', 'a.dtn.png')]);
    // An existing folder named like a PNG is still a folder.
    fs.mkdirSync(path.join(dir, 'dir.png'));
    assert.deepEqual(outputs(planOutputs([a], path.join(dir, 'dir.png'))), [path.join(dir, 'dir.png', 'a.dtn.png')]);
  });

  it('never overwrites an input, and names inputs that do not exist', () => {
    const dir = tree();
    const a = path.join(dir, 'a.png');
    assert.deepEqual(outputs(planOutputs([a], a)), ['FAIL OUTPUT_INVALID']);
    // The input folder as --out: the outputs sit beside the inputs, never on them.
    assert.ok(planOutputs([dir], dir).every((e) => e.ok && !fs.existsSync(e.file.output)));
    const plan = planOutputs([path.join(dir, 'missing.png'), a], path.join(dir, 'o'));
    assert.deepEqual(outputs(plan), ['FAIL DATA_INVALID', path.join(dir, 'o', 'a.dtn.png')]);
    assert.ok(!plan[0].ok && /file not found/.test(plan[0].message));
  });
});
