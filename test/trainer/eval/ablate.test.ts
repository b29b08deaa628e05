import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../../src/trainer/engine/backend';
import { loadDataSpec } from '../../../src/trainer/data/loadDataSpec';
import { saveEncoder } from '../../../src/trainer/run/encoderStore';
import { ABLATIONS, runAblation } from '../../../src/trainer/eval/ablate';
import {
  classifierArchitecture,
  loadClassifier,
  predictLabels,
  saveClassifier,
  trainClassifier,
} from '../../../src/trainer/eval/classifier';
import { RunFolder } from '../../../src/trainer/run/runFolder';
import { scaledEncoder, tinyConfig } from '../helpers';

describe('eval/ablate and the target classifier', function () {
  this.timeout(300_000);
  let dir: string;
  const config = tinyConfig({
    train: { batchSize: 4, steps: 2, logEvery: 1, sampleEvery: 2, checkpointEvery: 2 },
    eval: { count: 20, classifier: { widths: [4, 4, 4], embeddingSize: 8, steps: 3 } },
  });

  before(async () => {
    await initBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-ablate-'));
    config.encoder.path = path.join(dir, 'encoder');
    config.eval.classifier.path = path.join(dir, 'classifier');
    const f = scaledEncoder(config);
    await saveEncoder(config.encoder.path, f, { trainedOn: 'test', steps: 0, heldOutAccuracy: 0 });
    f.params.dispose();
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('trains, saves and reloads the target classifier with identical predictions', async () => {
    const arch = classifierArchitecture(config);
    const data = await loadDataSpec(
      { kind: 'mnist-package', count: 80 },
      { baseDir: dir, size: 32, channels: arch.sourceChannels, seed: 1 },
    );
    const trained = await trainClassifier(data, arch, { steps: 3, seed: 1 });
    assert.equal(trained.testCount, 8);
    assert.ok(trained.testAccuracy >= 0 && trained.testAccuracy <= 1);
    await saveClassifier(config.eval.classifier.path!, trained.model, {
      trainedOn: data.origin,
      steps: 3,
      testAccuracy: trained.testAccuracy,
      testCount: trained.testCount,
    });
    const loaded = loadClassifier(config.eval.classifier.path!);
    assert.equal(loaded.meta.testAccuracy, trained.testAccuracy);
    assert.deepEqual(await predictLabels(loaded.model, data), await predictLabels(trained.model, data));
    trained.model.params.dispose();
    loaded.model.params.dispose();
  });

  it('refuses to start without a classifier, naming where it looked', async () => {
    const noClassifier = structuredClone(config);
    noClassifier.eval.classifier.path = path.join(dir, 'missing');
    await assert.rejects(
      runAblation({ config: noClassifier, baseDir: dir, out: path.join(dir, 'x'), emit: () => undefined }),
      /missing.*dtn train-classifier/s,
    );
  });

  it('runs every variant with the same seed and steps and writes the table', async () => {
    const out = path.join(dir, 'ablation');
    const result = await runAblation({ config, baseDir: dir, out, emit: () => undefined });
    assert.deepEqual(
      result.rows.map((r) => r.variant.id),
      ABLATIONS.map((a) => a.id),
    );
    for (const r of result.rows) {
      assert.equal(r.step, 2);
      assert.ok(r.accuracy >= 0 && r.accuracy <= 1);
      assert.ok(Number.isFinite(r.fConstancy));
      assert.ok(fs.existsSync(path.join(r.runDir, 'eval', 'step-00000002.md')));
    }
    // Each variant really trained without its terms.
    const last = (id: string) => new RunFolder(path.join(out, id)).readMetrics().at(-1)!.loss;
    assert.equal(last('no-gan').D, null);
    assert.equal(last('no-gan').GANG, null);
    assert.equal(last('no-tid').TID, null);
    assert.equal(last('no-const').CONST, null);
    assert.equal(last('no-const-no-tid').CONST, null);
    assert.equal(last('no-const-no-tid').TID, null);
    assert.notEqual(last('full').CONST, null);

    const md = fs.readFileSync(path.join(out, 'ablation.md'), 'utf8');
    for (const a of ABLATIONS) assert.match(md, new RegExp(`\\| ${a.label} \\| \\d+\\.\\d\\d% \\|`));
    const csv = fs.readFileSync(path.join(out, 'ablation.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'variant,label,steps,accuracy,f_constancy');
    assert.equal(csv.length, 1 + ABLATIONS.length);
    assert.equal(Number(csv[1].split(',').at(-2)), result.rows[0].accuracy);
  });
});
