/**
 * The paper's identity metric for faces: for each translated face G(x), rank every person among the
 * source faces by f-distance to f(G(x)) and find where x's own person lands. Reported as the
 * median rank and the share ranked first. A person's distance is that of their nearest face, so
 * a person with many photos counts once.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DtnConfig } from '../../shared/config';
import type { EvalSummary } from '../../shared/protocol';
import { loadDataSpec } from '../data/loadDataSpec';
import type { ImageSet } from '../data/imageSet';
import type { FeatureEncoder } from '../dtn/models/featureEncoder';

export interface IdentityScore {
  /** 1-based rank of the right person for each query. */
  ranks: Int32Array;
  medianRank: number;
  /** Share of queries whose right person is ranked first. */
  top1: number;
}

/**
 * `queries` [N, E] and `gallery` [M, E] row-major; `queryPerson[i]` and `galleryPerson[j]` name
 * people (each face its own person when the data has no person labels).
 */
export function identityRanks(
  queries: Float32Array,
  gallery: Float32Array,
  queryPerson: Int32Array,
  galleryPerson: Int32Array,
  dim: number,
): IdentityScore {
  const n = queryPerson.length;
  const m = galleryPerson.length;
  const ranks = new Int32Array(n);
  const nearest = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    nearest.clear();
    for (let j = 0; j < m; j++) {
      let d = 0;
      for (let k = 0; k < dim; k++) {
        const diff = queries[i * dim + k] - gallery[j * dim + k];
        d += diff * diff;
      }
      const p = galleryPerson[j];
      const best = nearest.get(p);
      if (best === undefined || d < best) nearest.set(p, d);
    }
    const own = nearest.get(queryPerson[i]);
    if (own === undefined) throw new Error(`person ${queryPerson[i]} has no face in the gallery`);
    let rank = 1;
    for (const [p, d] of nearest) if (p !== queryPerson[i] && d < own) rank++;
    ranks[i] = rank;
  }
  const sorted = Int32Array.from(ranks).sort();
  const medianRank = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const top1 = ranks.filter((r) => r === 1).length / n;
  return { ranks, medianRank, top1 };
}

const CHUNK = 32;

/**
 * Scores `generate` on `faces`: the gallery is f of every face, the queries f(G(x)). `accuracy`
 * is the top-1 share (so "best checkpoint" compares like with like), `fConstancy` the mean squared
 * f-distance d(f(x), f(G(x))).
 */
export async function evaluateIdentity(opts: {
  generate: (x: tf.Tensor4D) => tf.Tensor4D;
  f: FeatureEncoder;
  faces: ImageSet;
}): Promise<EvalSummary & { ranks: Int32Array }> {
  const { faces, f } = opts;
  const dim = f.embeddingSize;
  const per = faces.height * faces.width * faces.channels;
  const gallery = new Float32Array(faces.count * dim);
  const queries = new Float32Array(faces.count * dim);
  for (let i = 0; i < faces.count; i += CHUNK) {
    const n = Math.min(CHUNK, faces.count - i);
    const x = tf.tensor4d(faces.images.subarray(i * per, (i + n) * per), [n, faces.height, faces.width, faces.channels]);
    const [e, eg] = tf.tidy(() => [f.embed(x), f.embed(opts.generate(x))]);
    gallery.set(await e.data(), i * dim);
    queries.set(await eg.data(), i * dim);
    tf.dispose([x, e, eg]);
  }
  const person = faces.labels ?? Int32Array.from({ length: faces.count }, (_, i) => i);
  const score = identityRanks(queries, gallery, person, person, dim);
  let distance = 0;
  for (let i = 0; i < queries.length; i++) distance += (queries[i] - gallery[i]) ** 2;
  return {
    metric: 'identity',
    accuracy: score.top1,
    medianRank: score.medianRank,
    fConstancy: distance / queries.length,
    count: faces.count,
    ranks: score.ranks,
  };
}

/**
 * The faces the identity metric retrieves among: `eval.source` when given, else the first
 * `eval.count` training faces (the paper scores translations of its source photos). Their labels
 * are persons: the sub-folders of a face-photos folder; without them each face is its own person.
 * `trainingSource`: the source domain training already loaded, used rather than loaded twice.
 */
export async function loadIdentityFaces(
  config: DtnConfig,
  baseDir: string,
  f: FeatureEncoder,
  trainingSource?: ImageSet,
): Promise<ImageSet> {
  const spec = config.eval.source ?? config.source;
  const loaded = config.eval.source ? undefined : trainingSource;
  const set: ImageSet & { persons?: Int32Array } =
    loaded ?? (await loadDataSpec(spec, { baseDir, size: f.inputSize, channels: f.inputChannels, seed: config.seed }));
  return firstImages({ ...set, labels: set.persons }, Math.min(set.count, config.eval.count));
}

function firstImages(set: ImageSet, n: number): ImageSet {
  if (n === set.count) return set;
  const per = set.height * set.width * set.channels;
  return { ...set, count: n, images: set.images.slice(0, n * per), labels: set.labels?.slice(0, n) };
}
