/** `dtn eval`: scores one checkpoint and writes the report next to the run. */
import * as path from 'node:path';
import type { BackendChoice } from '../../shared/config';
import { initBackend, type BackendInfo } from '../engine/backend';
import { Dtn } from '../dtn/dtn';
import { defaultEncoderDir, loadEncoder } from '../run/encoderStore';
import { resolveCheckpoint } from '../run/resumeTarget';
import { RunFolder } from '../run/runFolder';
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
  const { checkpoint: dir, runDir } = resolveCheckpoint(checkpoint, { ofRun: 'best' });
  const folder = new RunFolder(runDir);
  const { config, baseDir } = folder.readConfig();
  const configFile = folder.configPath;
  const { backend } = await initBackend(backendChoice ?? config.backend);
  const { f } = loadEncoder(
    defaultEncoderDir(config, baseDir),
    config.architecture,
    'The encoder this run was trained with must be present',
  );
  const { model: classifier, meta } = loadClassifier(defaultClassifierDir(config, baseDir));
  const heldOut = await loadHeldOutSource(config, baseDir);
  if (!heldOut)
    throw new DtnError(
      'DATA_INVALID',
      `${configFile}: no labelled held-out source images. Set eval.source (e.g. an SVHN test_32x32.mat) and run again`,
    );
  const dtn = new Dtn(config, f);
  try {
    const ckpt = await folder.loadCheckpoint(dir, dtn);
    const translation = await evaluateTranslation({
      generate: (x) => dtn.generate(x),
      f,
      classifier,
      heldOut,
      distance: config.losses.constDistance,
    });
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
  return new RunFolder(r.runDir).writeEvalReport(r.step, r, reportMarkdown(r));
}
