import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { FacesArchitectureSchema, parseConfig, type DtnConfig } from '../../../../src/shared/config';
import { Dtn, readLosses } from '../../../../src/trainer/dtn/dtn';
import { createDiscriminator, createGenerator } from '../../../../src/trainer/dtn/models/dtnNetworks';
import { sideAfterStrides } from '../../../../src/trainer/dtn/models/discriminator';
import type { FeatureEncoder } from '../../../../src/trainer/dtn/models/featureEncoder';
import { Conv } from '../../../../src/trainer/dtn/models/layers';
import { ParamStore } from '../../../../src/trainer/dtn/models/params';
import { initBackend } from '../../../../src/trainer/engine/backend';
import { batch } from '../../helpers';

/** A small stand-in for the face-identity f: one strided conv over a 32x32 input, flattened. */
class StandInFaceEncoder implements FeatureEncoder {
  readonly params = new ParamStore('f', 4);
  readonly inputSize = 32;
  readonly inputChannels = 3 as const;
  readonly embeddingSize = 16 * 4 * 4;
  private readonly conv = new Conv(this.params, 'conv', 8, 3, 16, 8, 'same', false);
  embed(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const sized = x.shape[1] === this.inputSize ? x : tf.image.resizeBilinear(x, [this.inputSize, this.inputSize], false, true);
      return tf.reshape(tf.tanh(this.conv.apply(sized)), [x.shape[0], this.embeddingSize]);
    });
  }
}

describe('faces -> emoji networks (cpu)', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('g maps an embedding to 64x64 RGB in [-1, 1] through nine layers (five upscaling, four 1x1)', () => {
    const arch = FacesArchitectureSchema.parse({ kind: 'faces', generatorWidths: [32, 16, 8, 8], discriminatorWidths: [8, 16] });
    const g = createGenerator(arch, 128, 1);
    const y = g.apply(tf.randomNormal([2, 128]) as tf.Tensor2D, { training: false });
    assert.deepEqual(y.shape, [2, 64, 64, 3]);
    const v = y.dataSync();
    assert.ok(v.every((p) => p >= -1 && p <= 1));
    const kernels = [...g.params.trainable.keys()].filter((k) => k.endsWith('/kernel'));
    assert.equal(kernels.length, 9, kernels.join(', '));
    y.dispose();
    g.params.dispose();
    const plain = createGenerator({ ...arch, generatorPointwise: false }, 128, 1);
    assert.equal([...plain.params.trainable.keys()].filter((k) => k.endsWith('/kernel')).length, 5);
    plain.params.dispose();
  });

  it("D scales 64x64 images up to discriminatorSize and reads them with one stride-2 block per width (the paper's 152 -> 3)", () => {
    assert.equal(sideAfterStrides(152, 6), 3, '152 -> 76 -> 38 -> 19 -> 10 -> 5 -> 3');
    const arch = FacesArchitectureSchema.parse({
      kind: 'faces',
      generatorWidths: [8, 8, 8, 8],
      discriminatorSize: 152,
      discriminatorWidths: [4, 4, 4, 4, 4, 4],
    });
    const D = createDiscriminator(arch, 2);
    const logits = D.apply(batch([2, 64, 64, 3], 3), { training: false });
    assert.deepEqual(logits.shape, [2, 3]);
    assert.ok([...logits.dataSync()].every(Number.isFinite));
    assert.deepEqual(D.params.trainable.get('D/conv6/kernel')?.shape, [3, 3, 4, 3], 'the last conv covers the 3x3 left');
    logits.dispose();
    D.params.dispose();
  });

  it('a DTN step trains g with L_GANG + 100 L_CONST + L_TID + 0.05 L_TV through f reading G(x) at its own size', async () => {
    const config: DtnConfig = parseConfig({
      backend: 'cpu',
      architecture: { kind: 'faces', generatorWidths: [16, 8, 8, 8], discriminatorSize: 32, discriminatorWidths: [8, 16] },
      encoder: { name: 'face-recognition-net' },
      source: { kind: 'synthetic-digits', count: 4 },
      target: { kind: 'synthetic-digits', count: 4 },
      losses: { alpha: 100, beta: 1, gamma: 0.05 },
      train: { batchSize: 2 },
    });
    const f = new StandInFaceEncoder();
    const dtn = new Dtn(config, f);
    const before = dtn.g.params.trainableList().map((v) => v.dataSync().slice());
    const losses = await readLosses(dtn.step(batch([2, 40, 40, 3], 5), batch([2, 64, 64, 3], 6)));
    for (const key of ['D', 'GANG', 'CONST', 'TID', 'TV', 'G'] as const) assert.ok(Number.isFinite(losses[key]), `${key} = ${losses[key]}`);
    const after = dtn.g.params.trainableList().map((v) => v.dataSync());
    assert.ok(
      after.some((a, i) => a.some((x, k) => x !== before[i][k])),
      'g was updated',
    );
    const fFrozen = [...f.params.trainable.values()].every((v) => !v.trainable);
    assert.ok(fFrozen, 'f stays frozen');
    dtn.dispose();
    f.params.dispose();
  });
});
