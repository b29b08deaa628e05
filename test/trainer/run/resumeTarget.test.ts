import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DtnError } from '../../../src/shared/errors';
import { checkpointPath, checkpointRelPath } from '../../../src/shared/node/runLayout';
import { resolveCheckpoint, resolveResume } from '../../../src/trainer/run/resumeTarget';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { runInfo } from '../helpers';

/** A run folder with manifest-only checkpoints (the resolver reads no tensors) and, optionally, a best. */
function fakeRun(root: string, name: string, steps: number[], best?: number, mtime = Date.now() / 1000): string {
  const runDir = path.join(root, name);
  for (const step of steps) {
    fs.mkdirSync(checkpointPath(runDir, step), { recursive: true });
    fs.writeFileSync(path.join(checkpointPath(runDir, step), 'manifest.json'), JSON.stringify({ meta: { kind: 'dtn-checkpoint', step } }));
  }
  const bestInfo = best === undefined ? undefined : { step: best, accuracy: 0.7, checkpoint: checkpointRelPath(best) };
  fs.writeFileSync(path.join(runDir, 'run.json'), JSON.stringify(runInfo({ runId: name, best: bestInfo })));
  fs.utimesSync(runDir, mtime, mtime);
  return runDir;
}

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof DtnError ? e.code : 'not a DtnError';
  }
  return undefined;
};

describe('resolveCheckpoint: what --resume and --checkpoint name', () => {
  after(cleanTempDirs);
  let root: string;
  let older: string;
  let newer: string;
  before(() => {
    root = tempDir('dtn-resolve-');
    older = fakeRun(root, '20240101-000000-a', [2, 4, 6], 4, 1_000);
    newer = fakeRun(root, '20240102-000000-b', [3, 6, 9], 3, 2_000);
  });

  it('best: the best checkpoint of the newest run under the run root', () => {
    assert.deepEqual(resolveCheckpoint('best', { ofRun: 'newest', runRoot: root }), {
      checkpoint: checkpointPath(newer, 3),
      runDir: newer,
    });
    assert.deepEqual(resolveResume(path.relative(process.cwd(), older)).checkpoint, checkpointPath(older, 6));
  });

  it('a run folder: its best for eval and translate, its newest for resume', () => {
    assert.deepEqual(resolveCheckpoint(older, { ofRun: 'best' }), { checkpoint: checkpointPath(older, 4), runDir: older });
    const { checkpoint, runDir } = resolveCheckpoint(older, { ofRun: 'newest' });
    assert.deepEqual({ checkpoint, runDir }, { checkpoint: checkpointPath(older, 6), runDir: older });
  });

  it('a run folder without a best, or whose best was deleted: its newest', () => {
    const plain = fakeRun(tempDir('dtn-resolve-'), 'plain', [1, 5]);
    assert.equal(resolveCheckpoint(plain, { ofRun: 'best' }).checkpoint, checkpointPath(plain, 5));
    const gone = fakeRun(tempDir('dtn-resolve-'), 'gone', [2, 8], 2);
    fs.rmSync(checkpointPath(gone, 2), { recursive: true });
    assert.equal(resolveCheckpoint(gone, { ofRun: 'best' }).checkpoint, checkpointPath(gone, 8));
  });

  it('a checkpoint folder: itself, in its run', () => {
    assert.deepEqual(resolveCheckpoint(checkpointPath(older, 2), { ofRun: 'best' }), {
      checkpoint: checkpointPath(older, 2),
      runDir: older,
    });
  });

  it('fails with CHECKPOINT_MISSING for other paths, no runs, or a newest run without a best', () => {
    assert.equal(
      codeOf(() => resolveCheckpoint(path.join(root, 'nope'), { ofRun: 'best' })),
      'CHECKPOINT_MISSING',
    );
    assert.equal(
      codeOf(() => resolveCheckpoint('best', { ofRun: 'best', runRoot: tempDir('dtn-empty-') })),
      'CHECKPOINT_MISSING',
    );
    const noBest = tempDir('dtn-resolve-');
    fakeRun(noBest, 'x', [1]);
    assert.equal(
      codeOf(() => resolveCheckpoint('best', { ofRun: 'best', runRoot: noBest })),
      'CHECKPOINT_MISSING',
    );
  });

  it('an encoder or classifier folder given as a checkpoint is named as what it is', () => {
    const enc = tempDir('dtn-enc-');
    fs.writeFileSync(path.join(enc, 'manifest.json'), JSON.stringify({ meta: { kind: 'dtn-encoder' } }));
    assert.throws(
      () => resolveResume(enc),
      (e: DtnError) => e.code === 'CHECKPOINT_MISSING' && /is a dtn-encoder folder, not a checkpoint/.test(e.message),
    );
  });

  it('a run folder for resume lists its older checkpoints, newest first, to fall back on', () => {
    assert.deepEqual(resolveResume(older).older, [checkpointPath(older, 4), checkpointPath(older, 2)]);
    assert.equal(resolveCheckpoint(checkpointPath(older, 4), { ofRun: 'newest' }).older, undefined);
  });

  it('a run folder without a complete checkpoint: for --resume the fix is to start over with --force', () => {
    const other = tempDir('dtn-resolve-bare-');
    fs.mkdirSync(path.join(other, 'killed-early'));
    const bare = fakeRun(other, 'killed-early', []);
    const errorOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as DtnError;
      }
      assert.fail('expected an error');
    };
    const resume = errorOf(() => resolveResume(bare));
    assert.equal(resume.code, 'CHECKPOINT_MISSING');
    assert.match(resume.message, /no complete checkpoint/);
    assert.ok(resume.fix?.includes(`--run-dir ${bare} --force`), resume.fix);
    const evaluate = errorOf(() => resolveCheckpoint(bare, { ofRun: 'best' }));
    assert.ok(!evaluate.fix?.includes('--force'), 'eval and translate have nothing to start over');
  });

  it('a best whose recorded checkpoint text leaves the run resolves by its step, inside the run', () => {
    const run = fakeRun(root, '20231231-000000-c', [5, 10], 5, 500);
    const info = JSON.parse(fs.readFileSync(path.join(run, 'run.json'), 'utf8')) as { best: { checkpoint: string } };
    info.best.checkpoint = path.join(newer, 'checkpoints', 'step-00000009');
    fs.writeFileSync(path.join(run, 'run.json'), JSON.stringify(info));
    assert.deepEqual(resolveCheckpoint(run, { ofRun: 'best' }), { checkpoint: checkpointPath(run, 5), runDir: run });
  });
});
