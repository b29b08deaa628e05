/** `dtn eval`: scores one checkpoint and writes the report next to the run. */
import * as path from 'node:path';
import type { BackendChoice } from '../../shared/config';
import type { ThreadsChoice } from '../../shared/threads';
import { initBackend, type BackendInfo } from '../engine/backend';
import { Dtn } from '../dtn/dtn';
import { loadConfigEncoder } from '../run/configEncoder';
import { resolveCheckpoint } from '../run/resumeTarget';
import { RunFolder } from '../run/runFolder';
import { defaultClassifierDir, loadClassifier } from './classifier';
import { classifierAccuracy, evaluateTranslation, loadHeldOutSource, type TranslationEval } from './evaluate';
import { confusionMarkdown } from './scoring';
import { evaluateIdentity, loadIdentityFaces } from './identity';
import type { EvalSummary } from '../../shared/protocol';
import { DtnError } from '../../shared/errors';

export interface EvalReport {
  runDir: string;
  checkpoint: string;
  step: number;
  backend: BackendInfo;
  /** Digits: translation accuracy with its confusion matrix. Faces: the identity metric. */
  translation: TranslationEval | IdentityEval;
  /** Digits only. */
  reference?: {
    /** The classifier on the held-out part of the target domain it was trained on. */
    classifierOnTargetTest: number;
    /** The classifier on the raw (untranslated) held-out source images. */
    classifierOnRawSource: number;
  };
  heldOut: string;
}

export async function evaluateCheckpoint(checkpoint: string, backendChoice?: BackendChoice, threads?: ThreadsChoice): Promise<EvalReport> {
  const { checkpoint: dir, runDir } = resolveCheckpoint(checkpoint, { ofRun: 'best' });
  const folder = new RunFolder(runDir);
  const { config, baseDir } = folder.readConfig();
  const configFile = folder.configPath;
  const { backend } = await initBackend(backendChoice ?? config.backend, threads);
  const { f } = await loadConfigEncoder(config, baseDir, 'The encoder this run was trained with must be present');
  if (config.architecture.kind === 'faces') {
    const faces = await loadIdentityFaces(config, baseDir, f);
    const dtn = new Dtn(config, f);
    try {
      const ckpt = await folder.loadCheckpoint(dir, dtn);
      const { ranks, ...translation } = await evaluateIdentity({ generate: (x) => dtn.generate(x), f, faces });
      return {
        runDir,
        checkpoint: dir,
        step: ckpt.step,
        backend,
        translation: { ...translation, rankCounts: rankCounts(ranks) },
        heldOut: faces.origin,
      };
    } finally {
      dtn.dispose();
      f.params.dispose();
    }
  }
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
  if (r.translation.metric === 'identity' || !r.translation.confusion) return identityMarkdown(r, r.translation as IdentityEval);
  return [
    `# Evaluation of ${path.basename(r.runDir)} at step ${r.step}`,
    '',
    `| metric | value |`,
    `| --- | --- |`,
    `| translation accuracy (classifier on G(x), ${r.translation.count} held-out source images) | ${pct(r.translation.accuracy)} |`,
    `| f-constancy, mean d(f(x), f(G(x))) | ${r.translation.fConstancy.toExponential(3)} |`,
    `| reference: classifier on the target test set | ${r.reference ? pct(r.reference.classifierOnTargetTest) : 'n/a'} |`,
    `| reference: classifier on raw source images | ${r.reference ? pct(r.reference.classifierOnRawSource) : 'n/a'} |`,
    '',
    `Held-out source: ${r.heldOut}. Backend: ${r.backend.name} (${r.backend.device}).`,
    '',
    '## Confusion matrix of G(x)',
    '',
    confusionMarkdown(r.translation.confusion),
    '',
  ].join('\n');
}

export interface IdentityEval extends EvalSummary {
  /** How many translated faces found their person at rank 1, 2, … (index 0 = rank 1). */
  rankCounts: number[];
}

function rankCounts(ranks: Int32Array): number[] {
  const counts = new Array<number>(Math.max(1, ...ranks)).fill(0);
  for (const r of ranks) counts[r - 1]++;
  return counts;
}

function identityMarkdown(r: EvalReport, id: IdentityEval): string {
  const firstRanks = id.rankCounts.slice(0, 5).map((n, i) => `| ${i + 1} | ${n} |`);
  return [
    `# Evaluation of ${path.basename(r.runDir)} at step ${r.step}`,
    '',
    `| metric | value |`,
    `| --- | --- |`,
    `| identity: right person ranked first by f (${id.count} translated faces) | ${pct(id.accuracy)} |`,
    `| identity: median rank of the right person | ${id.medianRank ?? 'n/a'} |`,
    `| f-constancy, mean d(f(x), f(G(x))) | ${id.fConstancy.toExponential(3)} |`,
    '',
    `Faces: ${r.heldOut}. Backend: ${r.backend.name} (${r.backend.device}).`,
    '',
    '## Rank of the right person',
    '',
    '| rank | faces |',
    '| --- | --- |',
    ...firstRanks,
    '',
  ].join('\n');
}

/** Writes eval/step-XXXXXXXX.{json,md} in the run folder; returns the Markdown path. */
export function writeReport(r: EvalReport): string {
  return new RunFolder(r.runDir).writeEvalReport(r.step, r, reportMarkdown(r));
}
