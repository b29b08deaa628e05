/** The DTN losses (Taigman et al. 2017, section 3), as scalar tensors. */
import * as tf from '@tensorflow/tfjs-core';
import { D_CLASSES } from './models/discriminator';

/** Mean over the batch of -log softmax(logits)[k]. */
export function crossEntropyToClass(logits: tf.Tensor2D, k: number): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const picked = tf.slice(logp, [0, k], [logits.shape[0], 1]);
    return tf.neg(tf.mean(picked));
  });
}

/** L_D = -E_S log D1(G(x)) - E_T log D2(G(x)) - E_T log D3(x). */
export function discriminatorLoss(onGs: tf.Tensor2D, onGt: tf.Tensor2D, onRealT: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() =>
    tf.addN([
      crossEntropyToClass(onGs, D_CLASSES.fromSource),
      crossEntropyToClass(onGt, D_CLASSES.fromTarget),
      crossEntropyToClass(onRealT, D_CLASSES.real),
    ]),
  );
}

/** L_GANG = -E_S log D3(G(x)) - E_T log D3(G(x)): both generated sets should pass as real T. */
export function generatorAdversarialLoss(onGs: tf.Tensor2D, onGt: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.add(crossEntropyToClass(onGs, D_CLASSES.real), crossEntropyToClass(onGt, D_CLASSES.real)));
}

export function meanSquaredError(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(a, b)));
}

/** Mean over the batch of 1 - cos(a_i, b_i), for [B, E] embeddings. */
export function cosineDistance(a: tf.Tensor2D, b: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const dot = tf.sum(tf.mul(a, b), 1);
    const norms = tf.mul(tf.norm(a, 'euclidean', 1), tf.norm(b, 'euclidean', 1));
    return tf.mean(tf.sub(1, tf.div(dot, tf.maximum(norms, 1e-8))));
  });
}

/** L_CONST = d(f(x), f(G(x))) on source samples. */
export function constancyLoss(fx: tf.Tensor2D, fGx: tf.Tensor2D, distance: 'mse' | 'cosine'): tf.Scalar {
  return distance === 'mse' ? meanSquaredError(fx, fGx) : cosineDistance(fx, fGx);
}

/** L_TID = d2(x, G(x)) on target samples, d2 = MSE. */
export function identityLoss(x: tf.Tensor4D, gx: tf.Tensor4D): tf.Scalar {
  return meanSquaredError(x, gx);
}

/**
 * Anisotropic total variation: mean |horizontal difference| + mean |vertical difference| of an NHWC
 * batch. Smooths G's output (the paper uses it for faces -> emoji).
 */
export function totalVariationLoss(x: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const dx = tf.sub(tf.slice(x, [0, 0, 1, 0], [b, h, w - 1, c]), tf.slice(x, [0, 0, 0, 0], [b, h, w - 1, c]));
    const dy = tf.sub(tf.slice(x, [0, 1, 0, 0], [b, h - 1, w, c]), tf.slice(x, [0, 0, 0, 0], [b, h - 1, w, c]));
    return tf.add(tf.mean(tf.abs(dx)), tf.mean(tf.abs(dy)));
  });
}

/** Mean cross-entropy of logits [B, K] against integer class labels [B] (pretraining f). */
export function crossEntropyToClassIndices(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)));
  });
}
