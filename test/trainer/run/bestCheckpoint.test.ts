/** The best checkpoint end to end: training records it, pruning keeps it, resume keeps it, `best` finds it. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTrainerLine } from '../../../src/shared/protocol';
import { checkpointPath } from '../../../src/shared/node/runLayout';
import { pretrainEncoder } from '../../../src/trainer/dtn/pretrain';
import { Encoder } from '../../../src/trainer/dtn/models/encoder';
import { classifierArchitecture, defaultClassifierDir, saveClassifier } from '../../../src/trainer/eval/classifier';
import { readConfigFile, type ResolvedConfig } from '../../../src/trainer/run/configFile';
import { RunFolder } from '../../../src/trainer/run/runFolder';
import { train } from '../../../src/trainer/run/train';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { tinyRunConfig } from '../helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'trainer', 'cli.js');

describe('the best checkpoint', function () {
  this.timeout(300_000);
  let dir: string;
  let resolved: ResolvedConfig;
  let runDir: string;

  before(async () => {
    dir = tempDir('dtn-best-');
    const file = path.join(dir, 'tiny.dtn.json');
    const train = { steps: 6, batchSize: 4, logEvery: 1, sampleEvery: 3, checkpointEvery: 3, keepCheckpoints: 1 };
    fs.writeFileSync(file, JSON.stringify(tinyRunConfig({ train, eval: { every: 2, count: 8 } })));
    resolved = readConfigFile(file);
    await pretrainEncoder({ ...resolved, steps: 5, backend: 'cpu', emit: () => undefined });
    // An untrained classifier scores as well as any: what matters here is which evaluation is highest.
    const classifier = new Encoder(classifierArchitecture(resolved.config), 5);
    await saveClassifier(defaultClassifierDir(resolved.config, resolved.baseDir), classifier, {
      trainedOn: 'test',
      steps: 0,
      testAccuracy: 0,
      testCount: 0,
    });
    classifier.params.dispose();
    runDir = path.join(dir, '.dtn', 'runs', '20240101-000000-tiny');
  });
  after(cleanTempDirs);

  it('training records the best evaluation and keeps its checkpoint (written off the checkpoint schedule)', async () => {
    await train({ config: structuredClone(resolved.config), baseDir: resolved.baseDir, backend: 'cpu', runDir, emit: () => undefined });
    const folder = new RunFolder(runDir);
    const evals = folder.readMetrics().filter((r) => r.eval);
    assert.deepEqual(
      evals.map((r) => r.step),
      [2, 4, 6],
    );
    const top = Math.max(...evals.map((r) => r.eval!.accuracy));
    const first = evals.find((r) => r.eval!.accuracy === top)!;
    const best = folder.readInfo()!.best!;
    assert.deepEqual([best.step, best.accuracy], [first.step, top]);
    assert.equal(path.resolve(runDir, best.checkpoint), checkpointPath(runDir, best.step));
    const kept = folder.listCheckpoints().map((c) => c.step);
    assert.ok(kept.includes(best.step) && kept.includes(6), `kept ${kept}: the newest (keepCheckpoints 1) and the best`);
    assert.ok(kept.length <= 2);
  });

  it('resume keeps the best', async () => {
    const before = new RunFolder(runDir).readInfo()!.best!;
    const config = structuredClone(resolved.config);
    config.train.steps = 7;
    await train({ config, baseDir: resolved.baseDir, backend: 'cpu', resume: runDir, emit: () => undefined });
    const after = new RunFolder(runDir).readInfo()!.best!;
    assert.ok(after.accuracy >= before.accuracy);
    if (after.step === before.step) assert.deepEqual(after, before);
    assert.ok(fs.existsSync(path.join(runDir, after.checkpoint, 'manifest.json')));
  });

  it("the CLI: dtn eval --checkpoint best and dtn train --resume best take the newest run's best", () => {
    if (!fs.existsSync(CLI)) assert.equal(spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT }).status, 0);
    const best = new RunFolder(runDir).readInfo()!.best!;
    const ev = spawnSync(process.execPath, [CLI, 'eval', '--checkpoint', 'best', '--backend', 'cpu', '--json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(ev.status, 0, ev.stderr);
    const report = JSON.parse(ev.stdout.trim().split('\n').at(-1)!) as { step: number; checkpoint: string };
    assert.deepEqual([report.step, report.checkpoint], [best.step, checkpointPath(runDir, best.step)]);
    assert.ok(fs.existsSync(path.join(runDir, 'eval', `step-${String(best.step).padStart(8, '0')}.json`)));

    const tr = spawnSync(process.execPath, [CLI, 'train', '--resume', 'best', '--backend', 'cpu', '--steps', '7', '--json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(tr.status, 0, tr.stderr);
    const started = tr.stdout
      .split('\n')
      .map((l) => parseTrainerLine(l))
      .find((m) => m?.type === 'started');
    assert.ok(started?.type === 'started');
    assert.deepEqual([started.runDir, started.startStep], [runDir, best.step]);
  });
});
