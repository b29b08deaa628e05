/**
 * Running work inside a gradient function without recording it on that function's tape.
 *
 * While tfjs records a tape (inside tf.grads, optimizer.minimize, …) every kernel's inputs and
 * outputs are kept until the outermost gradient is computed, whether or not they lead to the loss.
 * A whole optimiser update run inside such a function (the DTN's D step inside g's) would keep all
 * of its activations and gradients alive to the end: twice the step's peak memory, measured. The
 * engine has no public switch for this, so its tape state (public fields of `tf.engine().state`) is
 * set aside and put back.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Runs `fn` as if no gradient were being recorded; what it computes is a constant to the outer tape. */
export function untaped<T>(fn: () => T): T {
  const state = tf.engine().state;
  const tape = state.activeTape;
  const depth = state.gradientDepth;
  // Depth 0: a gradient computed in `fn` starts and clears a tape of its own.
  state.gradientDepth = 0;
  state.activeTape = null as unknown as typeof tape;
  try {
    return fn();
  } finally {
    state.activeTape = tape;
    state.gradientDepth = depth;
  }
}
