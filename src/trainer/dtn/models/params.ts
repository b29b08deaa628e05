/**
 * Named parameters of one network. Variables get tfjs's auto-generated global names (so several
 * copies of a model can live in one process, as tests and checkpoint loading need); the logical,
 * stable names used in checkpoints are the keys here.
 */
import * as tf from '@tensorflow/tfjs-core';

export class ParamStore {
  /** Updated by the optimiser. */
  readonly trainable = new Map<string, tf.Variable>();
  /** Updated by forward passes in training mode (batch-norm running statistics). */
  readonly state = new Map<string, tf.Variable>();
  private seedCounter = 0;
  private readonly disposers: Array<() => void> = [];

  constructor(
    readonly prefix: string,
    private readonly seed: number,
  ) {}

  /** DCGAN initialisation: N(0, 0.02), seeded per parameter so a seed reproduces a model. */
  normal(name: string, shape: number[], mean = 0, std = 0.02): tf.Variable {
    const seed = this.seed * 1000 + this.seedCounter++;
    return this.add(
      this.trainable,
      name,
      tf.tidy(() => tf.randomNormal(shape, mean, std, 'float32', seed)),
    );
  }

  constant(name: string, shape: number[], value: number, kind: 'trainable' | 'state' = 'trainable'): tf.Variable {
    return this.add(kind === 'trainable' ? this.trainable : this.state, name, tf.fill(shape, value));
  }

  /** A parameter with given values: published weights, loaded rather than initialised. */
  values(name: string, shape: number[], values: Float32Array): tf.Variable {
    return this.add(this.trainable, name, tf.tensor(values, shape, 'float32'));
  }

  /**
   * Takes over a variable made elsewhere (a TensorFlow.js Layers model's weight): the store lists,
   * freezes and disposes it like its own. `state` for values the model updates itself (BN statistics).
   */
  adopt(name: string, v: tf.Variable, kind: 'trainable' | 'state' = 'trainable'): tf.Variable {
    (kind === 'trainable' ? this.trainable : this.state).set(this.freshKey(name), v);
    return v;
  }

  private add(into: Map<string, tf.Variable>, name: string, init: tf.Tensor): tf.Variable {
    const key = this.freshKey(name);
    const v = tf.variable(init, into === this.trainable);
    init.dispose();
    into.set(key, v);
    return v;
  }

  private freshKey(name: string): string {
    const key = `${this.prefix}/${name}`;
    if (this.trainable.has(key) || this.state.has(key)) throw new Error(`duplicate parameter ${key}`);
    return key;
  }

  /** Trainable first, then state, in creation order: the order checkpoints and optimisers use. */
  all(): Map<string, tf.Variable> {
    return new Map([...this.trainable, ...this.state]);
  }

  trainableList(): tf.Variable[] {
    return [...this.trainable.values()];
  }

  /** Freezes every parameter (f inside G is never updated). */
  freeze(): void {
    for (const v of this.trainable.values()) v.trainable = false;
  }

  /** Runs `fn` when the store is disposed: for tensors derived from the parameters and cached. */
  onDispose(fn: () => void): void {
    this.disposers.push(fn);
  }

  dispose(): void {
    for (const fn of this.disposers) fn();
    for (const v of this.all().values()) v.dispose();
  }
}
