import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { PNG } from 'pngjs';
import type { TrainerMessage } from '../../../../src/shared/protocol';
import { Dtn } from '../../../../src/trainer/dtn/dtn';
import { SampleHook } from '../../../../src/trainer/run/hooks/sampleHook';
import { RunFolder } from '../../../../src/trainer/run/runFolder';
import { cleanTempDirs, tempDir } from '../../data/tmp';
import { scaledEncoder, tinyConfig } from '../../helpers';

describe('sample hook', () => {
  after(cleanTempDirs);

  it('syncs the model first, then writes the step grid (source above translation) and reports it', async () => {
    const config = tinyConfig();
    const { imageSize: size, sourceChannels } = config.architecture;
    const dtn = new Dtn(config, scaledEncoder(config));
    const folder = new RunFolder(tempDir('dtn-sample-'));
    const events: string[] = [];
    const messages: TrainerMessage[] = [];
    const images = new Float32Array(3 * size * size * sourceChannels);
    const source = { images, count: 3, height: size, width: size, channels: sourceChannels, origin: 't' };
    const sync = () => events.push('sync');
    const hook = new SampleHook({ folder, dtn, arch: config.architecture, source, count: 5, sync, emit: (m) => messages.push(m) });
    try {
      const file = await hook.write(7);
      assert.equal(file, folder.samplePath(7));
      assert.deepEqual(events, ['sync']);
      assert.deepEqual(messages, [{ type: 'sample', step: 7, path: file }]);
      const png = PNG.sync.read(fs.readFileSync(file));
      assert.deepEqual([png.width, png.height], [2 + 3 * (size + 2), 2 + 2 * (size + 2)], 'as many columns as source images (3 < 5)');
    } finally {
      hook.dispose();
      dtn.dispose();
    }
  });
});
