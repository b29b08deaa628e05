/** A trained network of the DTN (g or D): its parameters and its forward pass. */
import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardMode } from './layers';
import type { ParamStore } from './params';

export interface Network<In extends tf.Tensor, Out extends tf.Tensor> {
  readonly params: ParamStore;
  apply(x: In, mode: ForwardMode): Out;
}
