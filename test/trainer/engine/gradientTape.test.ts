/**
 * untaped(): an optimiser update run inside another gradient function is left off that function's
 * tape (so nothing of it is kept until the outer gradient), and both gradients come out right.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/trainer/engine/backend';
import { untaped } from '../../../src/trainer/engine/gradientTape';

describe('untaped: work off the gradient tape', () => {
  before(() => initBackend('cpu'));

  it('records nothing of an inner update on the outer tape, and both updates are exact', () => {
    const a = tf.variable(tf.scalar(3));
    const b = tf.variable(tf.scalar(5));
    const sgd = tf.train.sgd(0.1);
    let recorded = -1;
    const { value, grads } = tf.variableGrads(() => {
      const y = tf.mul(a, a); // dy/da = 2a = 6
      const before = tf.engine().state.activeTape.length;
      // An update of b on a loss that reads y: d(b·y)/db = y = 9, so b becomes 5 - 0.9.
      untaped(() => sgd.minimize(() => tf.mul(b, y) as tf.Scalar, false, [b]));
      recorded = tf.engine().state.activeTape.length - before;
      return tf.add(y, tf.mul(b, 0)) as tf.Scalar;
    }, [a]);
    assert.equal(recorded, 0, 'the inner update left no node on the outer tape');
    assert.ok(Math.abs(b.dataSync()[0] - 4.1) < 1e-6, `b after the inner update: ${b.dataSync()[0]}`);
    assert.equal(grads[a.name].dataSync()[0], 6);
    assert.equal(value.dataSync()[0], 9);
    assert.equal(tf.engine().state.activeTape, null, 'the outer gradient cleared its tape as usual');
    tf.dispose([a, b, value, ...Object.values(grads)]);
  });
});
