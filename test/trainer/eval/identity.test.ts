import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../../src/shared/config';
import { faceApiDemoPhotos } from '../../../src/trainer/data/faces/faceApiPackage';
import type { FeatureEncoder } from '../../../src/trainer/dtn/models/featureEncoder';
import { initBackend } from '../../../src/trainer/engine/backend';
import { identityRanks, loadIdentityFaces } from '../../../src/trainer/eval/identity';
import { cleanTempDirs, tempDir } from '../data/tmp';

describe('identity metric', () => {
  after(cleanTempDirs);
  // Points on a line, 1-D embeddings: distances are easy to read.
  const gallery = Float32Array.of(0, 1, 2, 10);

  it('ranks the right face among the gallery by distance: median rank and top-1 share', () => {
    const persons = Int32Array.of(0, 1, 2, 3);
    // Query 0 sits on face 0 (rank 1); query 1 nearest face 2 then face 1 (rank 2); query 3 on face 3.
    const queries = Float32Array.of(0, 2.2, 2, 9);
    const s = identityRanks(queries, gallery, persons, persons, 1);
    assert.deepEqual(Array.from(s.ranks), [1, 2, 1, 1]);
    assert.equal(s.top1, 0.75);
    assert.equal(s.medianRank, 1);
  });

  it("with persons, a person's nearest photo counts, and a person with many photos counts once", () => {
    // Faces 0 and 1 are person 0; face 2 person 1; face 3 person 2.
    const persons = Int32Array.of(0, 0, 1, 2);
    // The query of face 0 lands on face 1 (same person): rank 1. The query of face 2 lands between
    // faces 0 and 1, both person 0, and face 2: rank 2 (person 0 once, not twice).
    const queries = Float32Array.of(1, 1, 0.9, 10);
    const s = identityRanks(queries, gallery, persons, persons, 1);
    assert.deepEqual(Array.from(s.ranks), [1, 1, 2, 1]);
    assert.equal(s.medianRank, 1);
  });

  it('an even count has the middle two ranks averaged', () => {
    const persons = Int32Array.of(0, 1, 2, 3);
    const s = identityRanks(Float32Array.of(10, 10, 10, 10), gallery, persons, persons, 1);
    assert.deepEqual(Array.from(s.ranks), [4, 3, 2, 1]);
    assert.equal(s.medianRank, 2.5);
    assert.equal(s.top1, 0.25);
  });

  it("training's identity faces carry the person of each crop (face-photos sub-folders) as their label", async function () {
    this.timeout(300_000);
    await initBackend('wasm');
    const dir = tempDir('dtn-identity-');
    const [a, b, c] = faceApiDemoPhotos();
    for (const [person, photos] of [
      ['ann', [a, b]],
      ['bob', [c]],
    ] as const) {
      fs.mkdirSync(path.join(dir, 'faces', person), { recursive: true });
      for (const p of photos) fs.copyFileSync(p, path.join(dir, 'faces', person, path.basename(p)));
    }
    const config = parseConfig({
      architecture: { kind: 'faces', generatorWidths: [8, 8, 8, 8], discriminatorWidths: [8, 8] },
      encoder: { name: 'face-recognition-net' },
      source: { kind: 'face-photos', path: 'faces' },
      target: { kind: 'emoji', count: 8 },
      eval: { count: 50 },
    });
    const f = { inputSize: 150, inputChannels: 3 } as FeatureEncoder;
    const faces = await loadIdentityFaces(config, dir, f);
    assert.equal(faces.count, 3, 'the largest face of each photo');
    assert.deepEqual([...new Set(faces.labels)].sort(), [0, 1], 'two persons');
    const photosPerPerson = [0, 1].map((p) => faces.labels!.filter((l) => l === p).length).sort();
    assert.deepEqual(photosPerPerson, [1, 2], "ann's two photos share a label, bob's one has the other");
  });

  it('during training, the identity faces are the source domain already loaded, not loaded again', async () => {
    const config = parseConfig({
      architecture: { kind: 'faces', generatorWidths: [8, 8, 8, 8], discriminatorWidths: [8, 8] },
      encoder: { name: 'face-recognition-net' },
      // A folder that does not exist: loading it again would fail.
      source: { kind: 'face-photos', path: 'no-such-folder' },
      target: { kind: 'emoji', count: 8 },
      eval: { count: 2 },
    });
    const per = 150 * 150 * 3;
    const loaded = { images: new Float32Array(3 * per).fill(0.5), count: 3, height: 150, width: 150, channels: 3, origin: 'loaded' };
    const f = { inputSize: 150, inputChannels: 3 } as FeatureEncoder;
    const faces = await loadIdentityFaces(config, tempDir('dtn-identity-'), f, {
      ...loaded,
      persons: Int32Array.of(0, 1, 1),
    } as typeof loaded);
    assert.equal(faces.origin, 'loaded');
    assert.equal(faces.count, 2, 'eval.count of them');
    assert.deepEqual(Array.from(faces.labels!), [0, 1]);
  });
});
