import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainerMessage } from '../../../../src/shared/protocol';
import { Encoder } from '../../../../src/trainer/dtn/models/encoder';
import { classifierArchitecture } from '../../../../src/trainer/eval/classifier';
import { createEvalHook, EvalHook } from '../../../../src/trainer/run/hooks/evalHook';
import { cleanTempDirs, tempDir } from '../../data/tmp';
import { scaledEncoder, tinyConfig } from '../../helpers';

describe('eval hook', () => {
  after(cleanTempDirs);
  const config = tinyConfig();
  const { imageSize: size, sourceChannels } = config.architecture;

  function hook(every: number, sync: () => void = () => undefined) {
    const f = scaledEncoder(config);
    const classifier = new Encoder(classifierArchitecture(config), 5);
    const count = 6;
    const images = tf.tidy(() => tf.randomUniform([count * size * size * sourceChannels], -1, 1, 'float32', 9).dataSync());
    const labels = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const heldOut = { images: images as Float32Array, labels, count, height: size, width: size, channels: sourceChannels, origin: 'held' };
    // The identity stands in for G: grey source images are what the classifier sees.
    const dtn = { generate: (x: tf.Tensor4D) => x.clone() };
    return { f, h: new EvalHook({ set: { classifier, heldOut }, dtn, f, distance: 'mse', every, totalSteps: 10, sync }) };
  }

  it('is due every `every` steps and at the last step', () => {
    const { f, h } = hook(4);
    assert.deepEqual(
      [1, 2, 3, 4, 5, 8, 9, 10].filter((s) => h.due(s)),
      [4, 8, 10],
    );
    h.dispose();
    f.params.dispose();
  });

  it('syncs first and returns the summary that metrics.jsonl records, with the confusion matrix', async () => {
    const events: string[] = [];
    const { f, h } = hook(4, () => events.push('sync'));
    try {
      const summary = await h.run();
      assert.deepEqual(events, ['sync']);
      assert.deepEqual(Object.keys(summary).sort(), ['accuracy', 'confusion', 'count', 'fConstancy']);
      assert.equal(summary.count, 6);
      // Every held-out image is counted once, in its label's row.
      assert.equal(summary.confusion!.length, 10);
      assert.equal(
        summary.confusion!.flat().reduce((a, b) => a + b, 0),
        6,
      );
      const diagonal = summary.confusion!.reduce((a, row, i) => a + row[i], 0);
      assert.equal(diagonal / 6, summary.accuracy);
      assert.equal(summary.fConstancy, 0, 'G = identity keeps f(x) exactly');
      assert.ok(summary.accuracy >= 0 && summary.accuracy <= 1);
    } finally {
      h.dispose();
      f.params.dispose();
    }
  });

  it('is absent, with a warning saying how to get the metric, when there is no classifier', async () => {
    const messages: TrainerMessage[] = [];
    const f = scaledEncoder(config);
    const deps = { dtn: { generate: (x: tf.Tensor4D) => x }, f, sync: () => undefined };
    const made = await createEvalHook(config, tempDir('dtn-eval-'), deps, (m) => messages.push(m));
    f.params.dispose();
    assert.equal(made, undefined);
    assert.equal(messages.length, 1);
    assert.match(JSON.stringify(messages[0]), /no target classifier at .*Run dtn train-classifier first/);
  });
});
