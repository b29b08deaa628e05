import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/trainer/engine/backend';
import * as L from '../../../src/trainer/dtn/losses';
import { assertClose } from '../helpers';

const ln = Math.log;
const value = (t: tf.Tensor): number => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};
const t2 = (rows: number[][]) => tf.tensor2d(rows);

describe('losses (values worked out by hand)', () => {
  before(async () => {
    await initBackend('cpu');
  });

  describe('crossEntropyToClass', () => {
    it('logits [0, ln2, 0] give softmax [1/4, 2/4, 1/4]', () => {
      const logits = t2([[0, ln(2), 0]]);
      assertClose(value(L.crossEntropyToClass(logits, 1)), -ln(2 / 4));
      assertClose(value(L.crossEntropyToClass(logits, 0)), -ln(1 / 4));
      assertClose(value(L.crossEntropyToClass(logits, 2)), -ln(1 / 4));
    });

    it('averages over the batch', () => {
      // Row 2: [ln3, 0, 0] -> softmax [3/5, 1/5, 1/5].
      const logits = t2([
        [0, ln(2), 0],
        [ln(3), 0, 0],
      ]);
      assertClose(value(L.crossEntropyToClass(logits, 0)), (-ln(1 / 4) - ln(3 / 5)) / 2);
      assertClose(value(L.crossEntropyToClass(logits, 1)), (-ln(2 / 4) - ln(1 / 5)) / 2);
    });

    it('stays finite for large logits', () => {
      const v = value(L.crossEntropyToClass(t2([[1000, 0, 0]]), 1));
      assertClose(v, 1000);
    });
  });

  describe('L_D = CE(D(G(xs)), 0) + CE(D(G(xt)), 1) + CE(D(xt), 2)', () => {
    it('sums the three terms, each against its own class', () => {
      const onGs = t2([[ln(3), 0, 0]]); // class 0 has p = 3/5
      const onGt = t2([[0, ln(2), 0]]); // class 1 has p = 2/4
      const onReal = t2([[0, 0, ln(4)]]); // class 2 has p = 4/6
      assertClose(value(L.discriminatorLoss(onGs, onGt, onReal)), -ln(3 / 5) - ln(2 / 4) - ln(4 / 6));
      // Swapping the first two inputs must change the value (the slots are not interchangeable).
      assertClose(value(L.discriminatorLoss(onGt, onGs, onReal)), -ln(1 / 4) - ln(1 / 5) - ln(4 / 6));
    });

    it('is lowest exactly when D favours the class the slot assigns (G(xs)->0, G(xt)->1, real->2)', () => {
      const neutral = [[0, 0, 0]];
      const favour = (k: number) => [[0, 1, 2].map((c) => (c === k ? 3 : 0))];
      const expectedClass = [0, 1, 2];
      for (let slot = 0; slot < 3; slot++) {
        const losses = [0, 1, 2].map((k) => {
          const inputs = [0, 1, 2].map((s) => t2(s === slot ? favour(k) : neutral));
          return value(L.discriminatorLoss(inputs[0] as tf.Tensor2D, inputs[1] as tf.Tensor2D, inputs[2] as tf.Tensor2D));
        });
        const best = losses.indexOf(Math.min(...losses));
        assert.equal(best, expectedClass[slot], `slot ${slot}: losses ${losses}`);
        // Favouring the right class beats the neutral D; favouring a wrong one is worse than neutral.
        const neutralLoss = 3 * ln(3);
        for (let k = 0; k < 3; k++) {
          if (k === expectedClass[slot]) assert.ok(losses[k] < neutralLoss);
          else assert.ok(losses[k] > neutralLoss);
        }
      }
    });
  });

  describe('L_GANG = CE(D(G(xs)), 2) + CE(D(G(xt)), 2)', () => {
    it('scores both generated sets against the real-target class', () => {
      const onGs = t2([[ln(3), 0, 0]]); // class 2: 1/5
      const onGt = t2([[0, ln(2), 0]]); // class 2: 1/4
      assertClose(value(L.generatorAdversarialLoss(onGs, onGt)), -ln(1 / 5) - ln(1 / 4));
    });

    it('its gradient pushes the logits of both generated sets toward class 2', () => {
      const onGs = t2([
        [0.3, -0.2, 0.1],
        [0, 0, 0],
      ]);
      const onGt = t2([
        [1, 2, 3],
        [-1, 0.5, 0],
      ]);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => L.generatorAdversarialLoss(a as tf.Tensor2D, b as tf.Tensor2D))([onGs, onGt]);
      for (const g of grads) {
        const rows = g.arraySync() as number[][];
        for (const [d0, d1, d2] of rows) {
          assert.ok(d2 < 0, `dL/dlogit2 = ${d2} should be negative (raise class 2)`);
          assert.ok(d0 > 0 && d1 > 0, `dL/dlogit0,1 = ${d0}, ${d1} should be positive`);
        }
      }
      // And D favouring class 2 on both sets gives the lowest L_GANG.
      const favour = (k: number) => t2([[0, 1, 2].map((c) => (c === k ? 3 : 0))]);
      const byClass = [0, 1, 2].map((k) => value(L.generatorAdversarialLoss(favour(k), favour(k))));
      assert.equal(byClass.indexOf(Math.min(...byClass)), 2);
    });
  });

  it('meanSquaredError: [1,2,3,4] vs [1,0,3,0] = (0+4+0+16)/4 = 5', () => {
    assertClose(value(L.meanSquaredError(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([1, 0, 3, 0]))), 5);
  });

  describe('cosineDistance (mean of 1 - cos)', () => {
    it('orthogonal rows give 1, parallel rows 0, mean over the batch', () => {
      const a = t2([
        [1, 0],
        [1, 1],
      ]);
      const b = t2([
        [0, 1],
        [2, 2],
      ]);
      assertClose(value(L.cosineDistance(a, b)), (1 + 0) / 2);
    });

    it('[3,4] vs [4,3]: cos = 24/25', () => {
      assertClose(value(L.cosineDistance(t2([[3, 4]]), t2([[4, 3]]))), 1 - 24 / 25);
      assertClose(value(L.cosineDistance(t2([[3, 4]]), t2([[-3, -4]]))), 2);
    });

    it('ignores scale, and a zero embedding gives a finite distance 1 (no NaN)', () => {
      assertClose(value(L.cosineDistance(t2([[3, 4]]), t2([[30, 40]]))), 0);
      assertClose(value(L.cosineDistance(t2([[0, 0]]), t2([[1, 2]]))), 1);
    });
  });

  it('constancyLoss dispatches on the distance', () => {
    const fx = t2([[3, 4]]);
    const fgx = t2([[4, 3]]);
    assertClose(value(L.constancyLoss(fx, fgx, 'mse')), (1 + 1) / 2);
    assertClose(value(L.constancyLoss(fx, fgx, 'cosine')), 1 / 25);
  });

  it('identityLoss is the MSE between x and G(x) over all pixels', () => {
    const x = tf.tensor4d([0, 1, -1, 0.5], [1, 2, 2, 1]);
    const gx = tf.tensor4d([0, 0, 1, 0.5], [1, 2, 2, 1]);
    assertClose(value(L.identityLoss(x, gx)), (0 + 1 + 4 + 0) / 4);
  });

  describe('totalVariationLoss = mean|dx| + mean|dy|', () => {
    // 2x3 image      horizontal diffs      vertical diffs
    //  1 2 4          1  2                 -1  3  1
    //  0 5 5          5  0
    const img = [1, 2, 4, 0, 5, 5];

    it('on a 2x3 image: (1+2+5+0)/4 + (1+3+1)/3', () => {
      assertClose(value(L.totalVariationLoss(tf.tensor4d(img, [1, 2, 3, 1]))), 8 / 4 + 5 / 3);
    });

    it('does not mix channels: a flat second channel halves each mean', () => {
      const twoChannels = img.flatMap((v) => [v, 7]);
      assertClose(value(L.totalVariationLoss(tf.tensor4d(twoChannels, [1, 2, 3, 2]))), 8 / 8 + 5 / 6);
    });

    it('does not take differences across the batch', () => {
      // Image 2 is the constant 9: no variation of its own, a big jump from image 1.
      const two = [...img, ...img.map(() => 9)];
      assertClose(value(L.totalVariationLoss(tf.tensor4d(two, [2, 2, 3, 1]))), 8 / 8 + 5 / 6);
    });
  });

  it('crossEntropyToClassIndices averages -log p(label)', () => {
    const logits = t2([
      [0, ln(2), 0],
      [ln(3), 0, 0],
    ]);
    assertClose(value(L.crossEntropyToClassIndices(logits, tf.tensor1d([1, 0], 'int32'))), (-ln(2 / 4) - ln(3 / 5)) / 2);
    assertClose(value(L.crossEntropyToClassIndices(logits, tf.tensor1d([2, 2], 'int32'))), (-ln(1 / 4) - ln(1 / 5)) / 2);
  });
});
