/**
 * `dtn ablate`: the paper's ablation — the same seed and steps with loss terms removed — and a
 * table of translation accuracy and f-constancy per variant (Markdown and CSV).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendChoice, DtnConfig, LossConfig } from '../../shared/config';
import type { ThreadsChoice } from '../../shared/threads';
import type { TrainerMessage } from '../../shared/protocol';
import { DEFAULT_ABLATION_ROOT } from '../../shared/node/runLayout';
import { writeFileAtomic } from '../../shared/node/atomicWrite';
import { newRunId } from '../../shared/node/runFiles';
import { train } from '../run/train';
import { classifierExists, defaultClassifierDir } from './classifier';
import { evaluateCheckpoint, writeReport } from './evalCheckpoint';
import { DtnError } from '../../shared/errors';

export interface AblationVariant {
  id: string;
  label: string;
  losses: Partial<Pick<LossConfig, 'gan' | 'const' | 'tid'>>;
}

export const ABLATIONS: AblationVariant[] = [
  { id: 'full', label: 'full DTN', losses: {} },
  { id: 'no-tid', label: 'without L_TID', losses: { tid: false } },
  { id: 'no-const', label: 'without L_CONST', losses: { const: false } },
  { id: 'no-gan', label: 'without L_GANG and L_D', losses: { gan: false } },
  { id: 'no-const-no-tid', label: 'without L_CONST and L_TID', losses: { const: false, tid: false } },
];

export interface AblationRow {
  variant: AblationVariant;
  runDir: string;
  step: number;
  accuracy: number;
  fConstancy: number;
}

export async function runAblation(opts: {
  config: DtnConfig;
  baseDir: string;
  out?: string;
  backend?: BackendChoice;
  threads?: ThreadsChoice;
  variants?: AblationVariant[];
  emit: (msg: TrainerMessage) => void;
}): Promise<{ dir: string; rows: AblationRow[]; markdown: string; csv: string }> {
  const classifierDir = defaultClassifierDir(opts.config, opts.baseDir);
  if (!classifierExists(classifierDir)) {
    throw new DtnError(
      'CLASSIFIER_MISSING',
      `No target classifier at ${classifierDir}: the ablation scores translations with it. Run dtn train-classifier first`,
    );
  }
  const dir = path.resolve(opts.out ?? path.join(DEFAULT_ABLATION_ROOT, newRunId(opts.config.name)));
  fs.mkdirSync(dir, { recursive: true });
  const rows: AblationRow[] = [];
  for (const variant of opts.variants ?? ABLATIONS) {
    opts.emit({ type: 'status', phase: 'ablate', message: `variant ${variant.id} (${variant.label})` });
    const config: DtnConfig = structuredClone(opts.config);
    config.losses = { ...config.losses, ...variant.losses };
    config.name = `${opts.config.name}-${variant.id}`;
    // Same encoder and classifier for every variant: only the losses differ.
    config.encoder.path = config.encoder.path ?? path.join('.dtn', 'encoders', opts.config.name);
    config.eval.classifier.path = classifierDir;
    const result = await train({
      config,
      baseDir: opts.baseDir,
      runDir: path.join(dir, variant.id),
      backend: opts.backend,
      threads: opts.threads,
      emit: opts.emit,
    });
    const report = await evaluateCheckpoint(result.checkpoint!, opts.backend, opts.threads);
    writeReport(report);
    rows.push({
      variant,
      runDir: result.runDir,
      step: report.step,
      accuracy: report.translation.accuracy,
      fConstancy: report.translation.fConstancy,
    });
  }
  const markdown = ablationMarkdown(opts.config, rows);
  const csv = ablationCsv(rows);
  writeFileAtomic(path.join(dir, 'ablation.md'), markdown);
  writeFileAtomic(path.join(dir, 'ablation.csv'), csv);
  return { dir, rows, markdown, csv };
}

export function ablationMarkdown(config: DtnConfig, rows: AblationRow[]): string {
  const steps = rows[0]?.step ?? 0;
  return [
    `# Ablation: ${config.name}, seed ${config.seed}, ${steps} steps`,
    '',
    '| method | translation accuracy | f-constancy |',
    '| --- | ---: | ---: |',
    ...rows.map((r) => `| ${r.variant.label} | ${(r.accuracy * 100).toFixed(2)}% | ${r.fConstancy.toExponential(3)} |`),
    '',
  ].join('\n');
}

export function ablationCsv(rows: AblationRow[]): string {
  return (
    [
      'variant,label,steps,accuracy,f_constancy',
      ...rows.map((r) => `${r.variant.id},"${r.variant.label}",${r.step},${r.accuracy},${r.fConstancy}`),
    ].join('\n') + '\n'
  );
}
