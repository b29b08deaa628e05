import { strict as assert } from 'node:assert';
import type { TrainerMessage } from '../../../../src/shared/protocol';
import { Dtn } from '../../../../src/trainer/dtn/dtn';
import { CheckpointHook } from '../../../../src/trainer/run/hooks/checkpointHook';
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
});
