/** Finding the runs of an ablation / a folder of runs, and naming them apart. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeRunLabel } from '../../../src/shared/node/runLabelFile';
import { parseConfig } from '../../../src/shared/config';
import { PRESETS } from '../../../src/shared/presets';
import type { SweepFile } from '../../../src/shared/sweep';
import {
  childRunDirs,
  collectionsSignature,
  expandToRuns,
  isAblationDir,
  isSweepDir,
  listAblations,
  listSweeps,
  sweepStatesText,
  readFlatConfig,
  runLabels,
  runNames,
} from '../../../src/extension/runs/runCollections';

function makeRun(dir: string, createdAt = '2025-01-01T00:00:00Z', config?: object): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ runId: path.basename(dir), status: 'completed', createdAt }));
  if (config) fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

describe('run collections', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-coll-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('an ablation folder lists its variants in ablation.csv order, unfinished ones after by start time', () => {
    const abl = path.join(root, '.dtn', 'ablations', '20250101-000000-digits');
    makeRun(path.join(abl, 'no-tid'), '2025-01-01T00:02:00Z');
    makeRun(path.join(abl, 'full'), '2025-01-01T00:01:00Z');
    makeRun(path.join(abl, 'no-gan'), '2025-01-01T00:04:00Z');
    makeRun(path.join(abl, 'no-const'), '2025-01-01T00:03:00Z');
    fs.mkdirSync(path.join(abl, 'not-a-run'));
    // In progress: no report yet, but it lives in an ablations root.
    assert.ok(isAblationDir(abl));
    assert.deepEqual(
      childRunDirs(abl).map((d) => path.basename(d)),
      ['full', 'no-tid', 'no-const', 'no-gan'],
    );
    fs.writeFileSync(
      path.join(abl, 'ablation.csv'),
      'variant,label,steps,accuracy,f_constancy\nfull,"full DTN",4,0.5,0.1\nno-gan,"x",4,0.2,0.1\nno-tid,"y",4,0.1,0.1\n',
    );
    assert.deepEqual(
      childRunDirs(abl).map((d) => path.basename(d)),
      ['full', 'no-gan', 'no-tid', 'no-const'],
    );
    const list = listAblations(path.dirname(abl));
    assert.equal(list.length, 1);
    assert.equal(list[0].id, '20250101-000000-digits');
    assert.equal(list[0].finished, false);
    assert.equal(list[0].variants.length, 4);
  });

  it('a sweep folder lists its runs in sweep.json order, with their states; it is no ablation', () => {
    const sweeps = path.join(root, '.dtn', 'sweeps');
    const dir = path.join(sweeps, '20250102-000000-dtn-sweep');
    const runs: SweepFile['runs'] = [
      { name: 'v1-emaDecay_0-seed2', variant: 0, seed: 2, state: 'completed' },
      { name: 'v1-emaDecay_0-seed1', variant: 0, seed: 1, state: 'failed', error: { code: 'INTERNAL', message: 'x' } },
      { name: 'v2-emaDecay_0.9-seed1', variant: 1, seed: 1, state: 'pending' },
    ];
    makeRun(path.join(dir, runs[1].name), '2025-01-01T00:00:00Z');
    makeRun(path.join(dir, runs[0].name), '2025-01-01T00:05:00Z');
    const spec: SweepFile = {
      kind: 'dtn-sweep',
      version: 1,
      id: path.basename(dir),
      createdAt: 't',
      updatedAt: 't',
      base: { preset: 'digits-quick' },
      baseConfig: parseConfig(PRESETS['digits-quick']),
      seeds: [1, 2],
      variants: [
        { id: 'emaDecay=0', overrides: [{ key: 'train.emaDecay', value: 0 }] },
        { id: 'emaDecay=0.9', overrides: [{ key: 'train.emaDecay', value: 0.9 }] },
      ],
      runs,
    };
    fs.writeFileSync(path.join(dir, 'sweep.json'), JSON.stringify(spec));
    assert.ok(isSweepDir(dir));
    assert.equal(isAblationDir(dir), false);
    assert.deepEqual(
      childRunDirs(dir).map((d) => path.basename(d)),
      ['v1-emaDecay_0-seed2', 'v1-emaDecay_0-seed1'],
    );
    assert.deepEqual(expandToRuns([dir]), childRunDirs(dir));
    const [s] = listSweeps(sweeps);
    assert.equal(s.id, '20250102-000000-dtn-sweep');
    assert.equal(s.runs.length, 2);
    assert.equal(s.finished, false);
    assert.equal(sweepStatesText(s), '1 pending · 1 completed · 1 failed');
    // A damaged sweep.json still lists the folder (its runs by start time), without states.
    fs.writeFileSync(path.join(dir, 'sweep.json'), '{');
    const [damaged] = listSweeps(sweeps);
    assert.equal(damaged.states, undefined);
    assert.deepEqual(
      damaged.runs.map((d) => path.basename(d)),
      ['v1-emaDecay_0-seed1', 'v1-emaDecay_0-seed2'],
    );
  });

  it('a run folder is not a collection; a plain folder of runs is expanded but is no ablation', () => {
    const runs = path.join(root, 'runs');
    const a = makeRun(path.join(runs, 'a'), '2025-01-01T00:00:00Z');
    const b = makeRun(path.join(runs, 'b'), '2025-01-02T00:00:00Z');
    assert.deepEqual(childRunDirs(a), []);
    assert.equal(isAblationDir(a), false);
    assert.equal(isAblationDir(runs), false);
    assert.deepEqual(expandToRuns([runs]), [a, b]);
    // Duplicates go, order of first appearance stays.
    assert.deepEqual(expandToRuns([b, runs, a]), [b, a]);
    assert.deepEqual(expandToRuns([path.join(root, 'missing')]), []);
  });

  it('labels are folder names, with parents where two runs share a name', () => {
    assert.deepEqual(runLabels(['/w/.dtn/runs/r1', '/w/.dtn/runs/r2']), ['r1', 'r2']);
    assert.deepEqual(runLabels(['/w/.dtn/ablations/A/full', '/w/.dtn/ablations/B/full', '/w/.dtn/ablations/B/no-tid']), [
      'A/full',
      'B/full',
      'no-tid',
    ]);
    assert.deepEqual(runLabels([]), []);
  });

  it('names are run names where runs have one (the folder label added where two share one), else folder labels', () => {
    const a = makeRun(path.join(root, 'A', 'full'));
    const b = makeRun(path.join(root, 'B', 'full'));
    const c = makeRun(path.join(root, 'B', 'no-tid'));
    const d = makeRun(path.join(root, 'B', 'plain'));
    writeRunLabel(a, { name: 'baseline' });
    writeRunLabel(b, { name: 'baseline' });
    writeRunLabel(c, { name: 'no TID' });
    assert.deepEqual(runNames([a, b, c, d]), ['baseline (A/full)', 'baseline (B/full)', 'no TID', 'plain']);
  });

  it('reads config.json flattened, undefined when it is missing or not an object', () => {
    const a = makeRun(path.join(root, 'a'), undefined, { seed: 2, losses: { tid: false } });
    assert.deepEqual(readFlatConfig(a), { seed: 2, 'losses.tid': false });
    const b = makeRun(path.join(root, 'b'));
    assert.equal(readFlatConfig(b), undefined);
    fs.writeFileSync(path.join(b, 'config.json'), '[1,2');
    assert.equal(readFlatConfig(b), undefined);
  });

  it('the collections signature changes when a sweep appears, gains a run or updates sweep.json, and not otherwise', () => {
    const sweeps = path.join(root, '.dtn', 'sweeps');
    const missing = collectionsSignature([sweeps]);
    assert.equal(collectionsSignature([sweeps]), missing, 'stable while nothing changes');
    const sweep = path.join(sweeps, 'lr');
    fs.mkdirSync(sweep, { recursive: true });
    fs.writeFileSync(path.join(sweep, 'sweep.json'), '{}');
    const created = collectionsSignature([sweeps]);
    assert.notEqual(created, missing, 'a new sweep folder');
    makeRun(path.join(sweep, 'v1-seed1'));
    const withRun = collectionsSignature([sweeps]);
    assert.notEqual(withRun, created, 'a new run folder');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(sweep, 'sweep.json'), later, later);
    assert.notEqual(collectionsSignature([sweeps]), withRun, 'sweep.json rewritten (a run changed state)');
  });
});
