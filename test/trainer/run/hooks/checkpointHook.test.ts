import * as path from 'node:path';
import { strict as assert } from 'node:assert';
import type { TrainerMessage } from '../../../../src/shared/protocol';
import { Dtn } from '../../../../src/trainer/dtn/dtn';
import { beatsBest, CheckpointHook } from '../../../../src/trainer/run/hooks/checkpointHook';
import { RunFolder } from '../../../../src/trainer/run/runFolder';
import { cleanTempDirs, tempDir } from '../../data/tmp';
import { runInfo, scaledEncoder, tinyConfig } from '../../helpers';

describe('checkpoint hook', () => {
  after(cleanTempDirs);

  it('syncs, saves with the samplers, keeps the newest few, and records the step in run.json', async () => {
    const config = tinyConfig();
    const dtn = new Dtn(config, scaledEncoder(config));
    const folder = new RunFolder(tempDir('dtn-ckpt-'));
    const info = runInfo();
    folder.writeInfo(info);
    const events: string[] = [];
    const messages: TrainerMessage[] = [];
    const hook = new CheckpointHook({
      folder,
      dtn,
      info,
      configHash: 'h1',
      keep: 2,
      samplers: () => ({ source: events.length }),
      sync: () => events.push('sync'),
      emit: (m) => messages.push(m),
    });
    try {
      for (const step of [2, 4, 6]) await hook.save(step);
      assert.deepEqual(events, ['sync', 'sync', 'sync']);
      assert.deepEqual(
        folder.listCheckpoints().map((c) => c.step),
        [4, 6],
      );
      assert.deepEqual(hook.last, { step: 6, path: folder.listCheckpoints()[1].path });
      assert.deepEqual(
        messages.map((m) => m.type === 'checkpoint' && m.step),
        [2, 4, 6],
      );
      const saved = folder.readInfo()!;
      assert.equal(saved.lastStep, 6);
      assert.notEqual(saved.updatedAt, runInfo().updatedAt);
      const meta = await folder.loadCheckpoint(hook.last!.path, dtn);
      assert.deepEqual([meta.configHash, meta.samplers], ['h1', { source: 3 }], 'samplers as they were when saved (after the sync)');
    } finally {
      dtn.dispose();
    }
  });

  it('records the best evaluation in run.json and keeps its checkpoint from pruning', async () => {
    const config = tinyConfig();
    const dtn = new Dtn(config, scaledEncoder(config));
    const folder = new RunFolder(tempDir('dtn-best-'));
    const info = runInfo();
    folder.writeInfo(info);
    const hook = new CheckpointHook({
      folder,
      dtn,
      info,
      configHash: 'h1',
      keep: 2,
      samplers: () => ({}),
      sync: () => undefined,
      emit: () => undefined,
    });
    const scored = (accuracy: number) => ({ accuracy, fConstancy: 0.1, count: 10 });
    try {
      await hook.save(2, scored(0.5));
      await hook.save(4, scored(0.8));
      await hook.save(6, scored(0.8));
      await hook.save(8, scored(0.3));
      await hook.save(10);
      assert.deepEqual(folder.readInfo()!.best, { step: 4, accuracy: 0.8, checkpoint: path.join('checkpoints', 'step-00000004') });
      assert.deepEqual(
        folder.listCheckpoints().map((c) => c.step),
        [4, 8, 10],
        'the newest two, and the best (a tie keeps the earlier one)',
      );
      await hook.save(12, scored(0.9));
      assert.equal(folder.readInfo()!.best?.step, 12);
      assert.deepEqual(
        folder.listCheckpoints().map((c) => c.step),
        [10, 12],
        'the old best is pruned like any other once beaten',
      );
    } finally {
      dtn.dispose();
    }
  });

  it('beatsBest: anything beats no best; a tie does not', () => {
    const best = { step: 4, accuracy: 0.5, checkpoint: 'checkpoints/step-00000004' };
    assert.deepEqual(
      [beatsBest(undefined, 0), beatsBest(best, 0.5), beatsBest(best, 0.51), beatsBest(best, 0.4)],
      [true, false, true, false],
    );
  });
});
