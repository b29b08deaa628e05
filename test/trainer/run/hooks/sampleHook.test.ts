import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { PNG } from 'pngjs';
import type { TrainerMessage } from '../../../../src/shared/protocol';
import { sampleIndexPath } from '../../../../src/shared/node/runLayout';
import { gridGeometry, tileRect } from '../../../../src/shared/sampleIndex';
import { Dtn } from '../../../../src/trainer/dtn/dtn';
import { SampleHook } from '../../../../src/trainer/run/hooks/sampleHook';
import { RunFolder } from '../../../../src/trainer/run/runFolder';
import type { SampleSource } from '../../../../src/trainer/run/sampleSource';
import { cleanTempDirs, tempDir } from '../../data/tmp';
import { scaledEncoder, tinyConfig } from '../../helpers';

describe('sample hook', () => {
  after(cleanTempDirs);
  const config = tinyConfig();
  const { imageSize: size, sourceChannels } = config.architecture;
  const per = size * size * sourceChannels;

  /** Three flat images of distinct greys: -1, 0 and 1 (labels 7, 8, 9). */
  function source(picks: number[], kind: SampleSource['kind'] = 'held-out'): SampleSource {
    const images = new Float32Array(3 * per);
    for (let i = 0; i < 3; i++) images.fill(i - 1, i * per, (i + 1) * per);
    const set = {
      images,
      labels: Int32Array.from([7, 8, 9]),
      count: 3,
      height: size,
      width: size,
      channels: sourceChannels,
      origin: 'held',
    };
    return { set, picks, kind };
  }

  function hookFor(folder: RunFolder, sample: SampleSource, events: string[] = [], messages: TrainerMessage[] = []) {
    const dtn = new Dtn(config, scaledEncoder(config));
    const hook = new SampleHook({
      folder,
      dtn,
      arch: config.architecture,
      sample,
      sync: () => events.push('sync'),
      emit: (m) => messages.push(m),
    });
    return {
      hook,
      dispose() {
        hook.dispose();
        dtn.dispose();
      },
    };
  }

  it('syncs the model first, then writes the chosen sources above their translations, and reports it', async () => {
    const folder = new RunFolder(tempDir('dtn-sample-'));
    const events: string[] = [];
    const messages: TrainerMessage[] = [];
    const { hook, dispose } = hookFor(folder, source([2, 0]), events, messages);
    try {
      const file = await hook.write(7);
      assert.equal(file, folder.samplePath(7));
      assert.deepEqual(events, ['sync']);
      assert.deepEqual(messages, [{ type: 'sample', step: 7, path: file }]);
      const png = PNG.sync.read(fs.readFileSync(file));
      assert.deepEqual([png.width, png.height], [2 + 2 * (size + 2), 2 + 2 * (size + 2)], 'one column per picked image');
      const g = gridGeometry(png.width, png.height)!;
      const grey = (i: number) => png.data[(tileRect(g, i, 0).y * png.width + tileRect(g, i, 0).x) * 4];
      assert.deepEqual([grey(0), grey(1)], [255, 0], 'image 2 (white) first, then image 0 (black)');
    } finally {
      dispose();
    }
  });

  it('writes samples/index.json naming each tile, kept from the first step while the sources stay the same', async () => {
    const folder = new RunFolder(tempDir('dtn-sample-'));
    const first = hookFor(folder, source([2, 0]));
    try {
      await first.hook.write(0);
      await first.hook.write(5);
    } finally {
      first.dispose();
    }
    const index = folder.readSampleIndex().index!;
    assert.ok(fs.existsSync(sampleIndexPath(folder.dir)));
    assert.deepEqual(
      { since: index.since, count: index.count, tile: index.tile, source: index.source, tiles: index.tiles },
      {
        since: 0,
        count: 2,
        tile: { height: size, width: size },
        source: { kind: 'held-out', origin: 'held' },
        tiles: [
          { index: 2, label: '9' },
          { index: 0, label: '7' },
        ],
      },
    );
    const png = PNG.sync.read(fs.readFileSync(folder.samplePath(5)));
    assert.equal(gridGeometry(png.width, png.height, index, 5)?.tiles?.[0].label, '9', 'the index describes the grid it sits beside');

    // A resume with the same sources keeps `since`; one with other sources starts the index at its step.
    const resumed = hookFor(folder, source([2, 0]));
    await resumed.hook.write(10).finally(() => resumed.dispose());
    assert.equal(folder.readSampleIndex().index!.since, 0);
    const changed = hookFor(folder, source([1], 'training'));
    await changed.hook.write(15).finally(() => changed.dispose());
    const now = folder.readSampleIndex().index!;
    assert.deepEqual([now.since, now.source.kind, now.tiles], [15, 'training', [{ index: 1, label: '8' }]]);
    const old = PNG.sync.read(fs.readFileSync(folder.samplePath(5)));
    assert.equal(gridGeometry(old.width, old.height, now, 5)?.tiles, undefined, 'an older grid is no longer named by it');
  });
});
