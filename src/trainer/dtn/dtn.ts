/**
 * The Domain Transfer Network: G = g∘f with f frozen, a ternary D, and one training step
 * (a D update on L_D, then a g update on L_G = L_GANG + α L_CONST + β L_TID + γ L_TV).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DtnConfig, LossConfig } from '../../shared/config';
import type { LossKey } from '../../shared/protocol';
import { untaped } from '../engine/gradientTape';
import { FusedAdamOptimizer } from '../engine/webgpu/fusedAdamOptimizer';
import { GeneratorAverage } from './generatorAverage';
import * as L from './losses';
import { createDiscriminator, createGenerator, type DiscriminatorNet, type GeneratorNet } from './models/dtnNetworks';
import type { FeatureEncoder } from './models/featureEncoder';
import type { ForwardMode, StateUpdates } from './models/layers';
import { DtnError } from '../../shared/errors';

export type StepLosses = Record<LossKey, tf.Scalar | null>;

/** Which terms take part, from the config's switches and weights. */
export function activeTerms(losses: LossConfig) {
  return {
    gan: losses.gan,
    const: losses.const && losses.alpha > 0,
    tid: losses.tid && losses.beta > 0,
    tv: losses.tv && losses.gamma > 0,
  };
}

export class Dtn {
  readonly g: GeneratorNet;
  readonly D: DiscriminatorNet;
  readonly optG: FusedAdamOptimizer;
  readonly optD: FusedAdamOptimizer;
  /** The average of g's weights (train.emaDecay > 0): what generate() uses. */
  readonly average?: GeneratorAverage;
  private readonly terms: ReturnType<typeof activeTerms>;

  constructor(
    readonly config: DtnConfig,
    readonly f: FeatureEncoder,
  ) {
    f.params.freeze();
    // Distinct seeds per network so g and D never start from correlated weights.
    this.g = createGenerator(config.architecture, f.embeddingSize, config.seed * 2 + 1);
    this.D = createDiscriminator(config.architecture, config.seed * 2 + 2);
    if (config.train.emaDecay > 0)
      this.average = new GeneratorAverage(this.g, config.architecture, f.embeddingSize, config.train.emaDecay, config.train.emaWarmup);
    const t = config.train;
    this.optG = new FusedAdamOptimizer(t.learningRate, t.adamBeta1, t.adamBeta2);
    this.optD = new FusedAdamOptimizer(t.discriminatorLearningRate ?? t.learningRate, t.adamBeta1, t.adamBeta2);
    this.terms = activeTerms(config.losses);
    if (!this.terms.gan && !this.terms.const && !this.terms.tid && !this.terms.tv) {
      throw new DtnError('CONFIG_INVALID', 'every generator loss is switched off: enable at least one of losses.gan/const/tid/tv');
    }
  }

  /** Sets both optimisers' learning rate for the step about to run (1-based), per the schedule. */
  scheduleLearningRate(step: number): void {
    const { learningRate, discriminatorLearningRate, learningRateDecay, steps } = this.config.train;
    const half = steps / 2;
    const factor = learningRateDecay === 'linear' && step > half ? (steps - step + 1) / (steps - half + 1) : 1;
    // Adam reads its learningRate field on every update.
    (this.optG as unknown as { learningRate: number }).learningRate = learningRate * factor;
    (this.optD as unknown as { learningRate: number }).learningRate = (discriminatorLearningRate ?? learningRate) * factor;
  }

  /** The generator that samples, evaluation, translation and export use: g's average when kept. */
  get inferenceGenerator(): GeneratorNet {
    return this.average?.net ?? this.g;
  }

  /** The inference generator's parameters under g's names (what an export holds). */
  inferenceParams(): Map<string, tf.Variable> {
    if (!this.average) return this.g.params.all();
    const raw = [...this.g.params.all().keys()];
    return new Map([...this.average.net.params.all().values()].map((v, i) => [raw[i], v]));
  }

  /** G(x) = g(f(x)) with the inference generator; f always runs on its frozen running statistics. */
  generate(x: tf.Tensor4D, mode: ForwardMode = { training: false }): tf.Tensor4D {
    return tf.tidy(() => this.inferenceGenerator.apply(this.f.embed(x), mode));
  }

  /**
   * One DTN step on a source batch xs [B,H,W,Cs] and a target batch xt [B,H,W,Ct]. Returns the
   * loss scalars (kept; the caller disposes them), null for terms that are switched off.
   */
  step(xs: tf.Tensor4D, xt: tf.Tensor4D): StepLosses {
    const { alpha, beta, gamma, constDistance } = this.config.losses;
    const out: StepLosses = { D: null, GANG: null, CONST: null, TID: null, TV: null, G: null };
    // f is frozen and runs on running statistics, so f(xs) and f(xt) are the same constants in both
    // updates: embed once per step (only f(G(xs)) needs f inside a gradient).
    const [es, et] = tf.tidy(() => [this.f.embed(xs), this.f.embed(xt)]);

    const updates: StateUpdates = [];
    out.G = this.optG.minimize(
      () => {
        const mode = { training: true, updates };
        const gs = this.g.apply(es, mode);
        const gt = this.g.apply(et, mode);
        // D's update reads g's outputs from this same forward pass: g has not changed since, so
        // recomputing them (as a separate D step would) gives the same values at the cost of a
        // third of g's work. It runs off this gradient's tape, which would otherwise keep all of
        // D's update alive until g's gradient is done.
        if (this.terms.gan) out.D = tf.keep(untaped(() => this.updateDiscriminator(gs, gt, xt)));
        const parts: tf.Scalar[] = [];
        const keep = (key: LossKey, value: tf.Scalar, weight: number) => {
          out[key] = tf.keep(value);
          parts.push(weight === 1 ? value : tf.mul(value, weight));
        };
        if (this.terms.gan) {
          const dMode = { training: true };
          keep('GANG', L.generatorAdversarialLoss(this.D.apply(gs, dMode), this.D.apply(gt, dMode)), 1);
        }
        if (this.terms.const) keep('CONST', L.constancyLoss(es, this.f.embed(gs), constDistance), alpha);
        if (this.terms.tid) keep('TID', L.identityLoss(xt, gt), beta);
        if (this.terms.tv) keep('TV', L.totalVariationLoss(gs), gamma);
        return tf.addN(parts);
      },
      true,
      this.g.params.trainableList(),
    ) as tf.Scalar;
    for (const u of updates) u();
    tf.dispose([es, et]);
    return out;
  }

  /** One D update on L_D (G(xs) = 0, G(xt) = 1, xt = 2); its running statistics move after it. */
  private updateDiscriminator(gs: tf.Tensor4D, gt: tf.Tensor4D, xt: tf.Tensor4D): tf.Scalar {
    const updates: StateUpdates = [];
    const loss = this.optD.minimize(
      () => {
        const mode = { training: true, updates };
        return L.discriminatorLoss(this.D.apply(gs, mode), this.D.apply(gt, mode), this.D.apply(xt, mode));
      },
      true,
      this.D.params.trainableList(),
    ) as tf.Scalar;
    for (const u of updates) u();
    return loss;
  }

  dispose(): void {
    this.average?.dispose();
    this.g.params.dispose();
    this.D.params.dispose();
    this.optG.dispose();
    this.optD.dispose();
  }
}

/** Reads the step's losses to numbers and frees them. */
export async function readLosses(losses: StepLosses): Promise<Record<LossKey, number | null>> {
  const entries = await Promise.all(
    Object.entries(losses).map(async ([k, t]) => {
      if (!t) return [k, null] as const;
      const v = (await t.data())[0];
      t.dispose();
      return [k, v] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<LossKey, number | null>;
}

export function disposeLosses(losses: StepLosses): void {
  for (const t of Object.values(losses)) t?.dispose();
}
