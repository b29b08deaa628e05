import { strict as assert } from 'node:assert';
import type { TrainerMessage } from '../../../src/shared/protocol';
import { chooseSampleSource, labelText, spreadPicks } from '../../../src/trainer/run/sampleSource';
import { loadHeldOutSource } from '../../../src/trainer/eval/evaluate';
import type { ImageSet } from '../../../src/trainer/data/imageSet';
import { tinyConfig } from '../helpers';

const training: ImageSet = { images: new Float32Array(100 * 4), count: 100, height: 2, width: 2, channels: 1, origin: 'train' };

describe('sample source', () => {
  it('digits: the first held-out images evaluation scores, with their labels, the same on every call', async () => {
    const config = tinyConfig({ train: { batchSize: 4, sampleCount: 6 } });
    const a = await chooseSampleSource(config, process.cwd(), training, () => {});
    const b = await chooseSampleSource(config, process.cwd(), training, () => {});
    assert.equal(a.kind, 'held-out');
    assert.deepEqual(a.picks, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(a.set.images, b.set.images, 'the same images each time (so every step shows them)');
    const evalSet = (await loadHeldOutSource(config, process.cwd()))!;
    const per = evalSet.height * evalSet.width * evalSet.channels;
    assert.deepEqual(a.set.images, evalSet.images.subarray(0, 6 * per), "evaluation's first six");
    assert.deepEqual([...a.set.labels!], [...evalSet.labels!.subarray(0, 6)]);
  });

  it('without a held-out set, a spread over the training set chosen by position, not by seed', async () => {
    const folder = { kind: 'image-folder', path: 'no-such-folder-for-samples' } as const;
    const config = tinyConfig({ source: folder, train: { batchSize: 4, sampleCount: 4 }, seed: 1 });
    const picked = await chooseSampleSource(config, process.cwd(), training, () => {});
    assert.deepEqual([picked.kind, picked.picks, picked.set], ['training', [0, 25, 50, 75], training]);
    const other = await chooseSampleSource({ ...config, seed: 99 }, process.cwd(), training, () => {});
    assert.deepEqual(other.picks, picked.picks);
  });

  it('a held-out source that does not load: training images, and a warning that says why', async () => {
    const config = tinyConfig({
      eval: { source: { kind: 'image-folder', path: 'missing-held-out' } },
      train: { batchSize: 4, sampleCount: 2 },
    });
    const messages: TrainerMessage[] = [];
    const picked = await chooseSampleSource(config, process.cwd(), training, (m) => messages.push(m));
    assert.equal(picked.kind, 'training');
    assert.equal(messages.length, 1);
    assert.match(messages[0].type === 'warning' ? messages[0].message : '', /held-out source did not load \(.*missing-held-out/);
  });

  it('spreads picks evenly and names labels by their class folder where there is one', () => {
    assert.deepEqual(spreadPicks(10, 4), [0, 2, 5, 7]);
    assert.deepEqual(spreadPicks(3, 8), [0, 1, 2], 'all of a small set');
    const set = { ...training, labels: Int32Array.from([1, 0]), labelMap: { cat: 0, dog: 1 } };
    assert.deepEqual([labelText(set, 0), labelText(set, 1)], ['dog', 'cat']);
    assert.equal(labelText({ ...training, labels: Int32Array.from([4]) }, 0), '4');
    assert.equal(labelText(training, 0), undefined);
  });
});
