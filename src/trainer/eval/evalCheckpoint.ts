/** `dtn eval`: scores one checkpoint and writes the report next to the run. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendChoice } from '../../shared/config';
import { RUN_FILES, stepName } from '../../shared/node/runLayout';
import { initBackend, type BackendInfo } from '../engine/backend';
import { loadCheckpoint } from '../run/checkpoint';
import { readConfigFile } from '../run/configFile';
import { Dtn } from '../dtn/dtn';
import { loadEncoder } from '../run/encoderStore';
import { readRunInfo } from '../run/runDir';
import { writeFileAtomic } from '../run/sampleGrid';
import { resolveResume } from '../run/resumeTarget';
import { defaultEncoderDir } from '../run/train';
import { defaultClassifierDir, loadClassifier } from './classifier';
import { classifierAccuracy, evaluateTranslation, loadHeldOutSource, type TranslationEval } from './evaluate';
import { confusionMarkdown } from './scoring';
import { DtnError } from '../../shared/errors';

export interface EvalReport {
  runDir: string;
  checkpoint: string;
  step: number;
  backend: BackendInfo;
  translation: TranslationEval;
  reference: {
    /** The classifier on the held-out part of the target domain it was trained on. */
    classifierOnTargetTest: number;
    /** The classifier on the raw (untranslated) held-out source images. */
    classifierOnRawSource: number;
  };
  heldOut: string;
}

export async function evaluateCheckpoint(checkpoint: string, backendChoice?: BackendChoice): Promise<EvalReport> {
  const { checkpoint: dir, runDir } = resolveResume(checkpoint);
  const configFile = path.join(runDir, RUN_FILES.config);
  const { config } = readConfigFile(configFile);
  const baseDir = readRunInfo(runDir)?.baseDir ?? process.cwd();
  const { backend } = await initBackend(backendChoice ?? config.backend);
  const { f } = loadEncoder(defaultEncoderDir(config, baseDir), config.architecture, 'The encoder this run was trained with must be present');
  const { model: classifier, meta } = loadClassifier(defaultClassifierDir(config, baseDir));
  const heldOut = loadHeldOutSource(config, baseDir);
  if (!heldOut) throw new DtnError('DATA_INVALID', `${configFile}: no labelled held-out source images. Set eval.source (e.g. an SVHN test_32x32.mat) and run again`);
  const dtn = new Dtn(config, f);
  try {
    const ckpt = await loadCheckpoint(dir, dtn);
    const translation = await evaluateTranslation({ generate: (x) => dtn.generate(x), f, classifier, heldOut, distance: config.losses.constDistance });
    const raw = await classifierAccuracy(classifier, heldOut);
    return {
      runDir,
      checkpoint: dir,
      step: ckpt.step,
      backend,
      translation,
      reference: { classifierOnTargetTest: meta.testAccuracy, classifierOnRawSource: raw.accuracy },
      heldOut: heldOut.origin,
    };
  } finally {
    dtn.dispose();
    f.params.dispose();
    classifier.params.dispose();
  }
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

export function reportMarkdown(r: EvalReport): string {
  return [
    `# Evaluation of ${path.basename(r.runDir)} at step ${r.step}`,
    '',
    `| metric | value |`,
    `| --- | --- |`,
    `| translation accuracy (classifier on G(x), ${r.translation.count} held-out source images) | ${pct(r.translation.accuracy)} |`,
    `| f-constancy, mean d(f(x), f(G(x))) | ${r.translation.fConstancy.toExponential(3)} |`,
    `| reference: classifier on the target test set | ${pct(r.reference.classifierOnTargetTest)} |`,
    `| reference: classifier on raw source images | ${pct(r.reference.classifierOnRawSource)} |`,
    '',
    `Held-out source: ${r.heldOut}. Backend: ${r.backend.name} (${r.backend.device}).`,
    '',
    '## Confusion matrix of G(x)',
    '',
    confusionMarkdown(r.translation.confusion),
    '',
  ].join('\n');
}

/** Writes eval/step-XXXXXXXX.{json,md} in the run folder; returns the Markdown path. */
export function writeReport(r: EvalReport): string {
  const base = path.join(r.runDir, 'eval', stepName(r.step));
  fs.mkdirSync(path.dirname(base), { recursive: true });
  writeFileAtomic(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
  writeFileAtomic(`${base}.md`, reportMarkdown(r));
  return `${base}.md`;
}
