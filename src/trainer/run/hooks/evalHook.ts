/**
 * Periodic evaluation during training, recorded with the metrics: translation accuracy and
 * f-constancy for digits, the identity metric (eval/identity.ts) for faces.
 */
import type { DtnConfig } from '../../../shared/config';
import type { EvalSummary, TrainerMessage } from '../../../shared/protocol';
import type { ImageSet } from '../../data/imageSet';
import type { Encoder } from '../../dtn/models/encoder';
import type { FeatureEncoder } from '../../dtn/models/featureEncoder';
import type { Dtn } from '../../dtn/dtn';
import { classifierExists, defaultClassifierDir, loadClassifier } from '../../eval/classifier';
import { evaluateTranslation, loadHeldOutSource } from '../../eval/evaluate';
import { evaluateIdentity, loadIdentityFaces } from '../../eval/identity';

/** Digits: a target classifier and labelled held-out source images. */
export interface ClassifierEvalSet {
  classifier: Encoder;
  /** Labelled held-out source images. */
  heldOut: ImageSet;
}

/** Faces: source faces (person labels when the folder has them) to retrieve from f(G(x)). */
export interface IdentityEvalSet {
  faces: ImageSet;
}

export type EvalSet = ClassifierEvalSet | IdentityEvalSet;

export interface EvalHookDeps {
  set: EvalSet;
  dtn: Pick<Dtn, 'generate'>;
  f: FeatureEncoder;
  distance: DtnConfig['losses']['constDistance'];
  /** Evaluate every this many steps, and at the last one. */
  every: number;
  totalSteps: number;
  /** Brings the model's variables up to date first (replayed steps write them lazily). */
  sync: () => void;
}

export class EvalHook {
  constructor(private readonly deps: EvalHookDeps) {}

  due(step: number): boolean {
    return step % this.deps.every === 0 || step === this.deps.totalSteps;
  }

  /** Scores the generator now; the summary is what metrics.jsonl records (with the confusion matrix for digits). */
  async run(): Promise<EvalSummary> {
    const { dtn, f, set, distance } = this.deps;
    this.deps.sync();
    if ('faces' in set) {
      const { ranks: _r, ...identity } = await evaluateIdentity({ generate: (x) => dtn.generate(x), f, faces: set.faces });
      return identity;
    }
    return evaluateTranslation({ generate: (x) => dtn.generate(x), f, classifier: set.classifier, heldOut: set.heldOut, distance });
  }

  dispose(): void {
    if ('classifier' in this.deps.set) this.deps.set.classifier.params.dispose();
  }
}

/** The hook for `config`, or none (saying why) when the classifier or held-out data are missing. */
export async function createEvalHook(
  config: DtnConfig,
  baseDir: string,
  deps: Pick<EvalHookDeps, 'dtn' | 'f' | 'sync'> & { source?: ImageSet },
  emit: (msg: TrainerMessage) => void,
): Promise<EvalHook | undefined> {
  const { source, ...hookDeps } = deps;
  const set = await prepareEvaluation(config, baseDir, deps.f, emit, source);
  if (!set) return undefined;
  const every = config.eval.every || config.train.checkpointEvery;
  return new EvalHook({ ...hookDeps, set, distance: config.losses.constDistance, every, totalSteps: config.train.steps });
}

/**
 * Periodic evaluation needs a target classifier and labelled held-out source images; without
 * either, training goes on and says what to do to get the metric.
 */
export async function prepareEvaluation(
  config: DtnConfig,
  baseDir: string,
  f: FeatureEncoder,
  emit: (msg: TrainerMessage) => void,
  /** The training source, already loaded: faces are scored on it unless eval.source names others. */
  source?: ImageSet,
): Promise<EvalSet | undefined> {
  if (config.architecture.kind === 'faces') return { faces: await loadIdentityFaces(config, baseDir, f, source) };
  const dir = defaultClassifierDir(config, baseDir);
  if (!classifierExists(dir)) {
    const message = `no target classifier at ${dir}: translation accuracy is not tracked. Run dtn train-classifier first to track it`;
    emit({ type: 'warning', message });
    return undefined;
  }
  const heldOut = await loadHeldOutSource(config, baseDir);
  if (!heldOut?.labels) {
    emit({ type: 'warning', message: 'no labelled held-out source images: set eval.source in the config to track translation accuracy' });
    return undefined;
  }
  return { classifier: loadClassifier(dir).model, heldOut };
}
