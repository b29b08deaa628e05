/** MODEL.md: what the exported G is, how it was trained, how well it did, and how to use it. */
import type { DataSpec, DtnConfig } from '../../shared/config';
import { LOSS_KEYS, type MetricsRecord } from '../../shared/protocol';
import type { RunInfo } from '../../shared/runInfo';
import { targetReadingText } from '../../shared/encoders';
import type { EncoderMeta } from '../run/encoderStore';
import { EXPORT_FILES, type ExportManifest } from './exportLayout';

/** The parts of a `dtn eval` report (eval/step-XXXXXXXX.json) the card shows. */
export interface EvalReportSummary {
  step: number;
  translation: { accuracy: number; fConstancy: number; count: number };
  reference?: { classifierOnTargetTest: number; classifierOnRawSource: number };
  heldOut?: string;
}

export interface ModelCardInput {
  manifest: ExportManifest;
  config: DtnConfig;
  info?: RunInfo;
  /** metrics.jsonl up to the exported step. */
  metrics: MetricsRecord[];
  evalReports: EvalReportSummary[];
  encoder: EncoderMeta;
}

export const CITATION = [
  '@inproceedings{taigman2017unsupervised,',
  '  title     = {Unsupervised Cross-Domain Image Generation},',
  '  author    = {Taigman, Yaniv and Polyak, Adam and Wolf, Lior},',
  '  booktitle = {International Conference on Learning Representations (ICLR)},',
  '  year      = {2017},',
  '  url       = {https://arxiv.org/abs/1611.02200}',
  '}',
].join('\n');

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const num = (v: number | null) => (v === null ? '–' : v.toPrecision(4));

export function describeData(spec: DataSpec): string {
  const { kind, ...rest } = spec;
  const details = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${typeof v === 'string' ? `\`${v}\`` : String(v)}`);
  return details.length ? `${kind} (${details.join(', ')})` : kind;
}

function lossesSection(metrics: MetricsRecord[]): string[] {
  const last = metrics.at(-1);
  if (!last) return ['No metrics were recorded up to this step.'];
  return [
    `Last logged losses (step ${last.step}):`,
    '',
    `| ${LOSS_KEYS.join(' | ')} |`,
    `|${LOSS_KEYS.map(() => ' --- |').join('')}`,
    `| ${LOSS_KEYS.map((k) => num(last.loss[k])).join(' | ')} |`,
  ];
}

function evalHistory(metrics: MetricsRecord[]): string[] {
  const evals = metrics.filter((r) => r.eval);
  if (!evals.length) return ['No evaluation during training (set eval.every, or run `dtn eval`).'];
  return [
    "Evaluation during training (held-out source images; accuracy = the target classifier reads G(x) as x's label):",
    '',
    '| step | translation accuracy | f-constancy d(f(x), f(G(x))) | images |',
    '| --- | --- | --- | --- |',
    ...evals.map((r) => `| ${r.step} | ${pct(r.eval!.accuracy)} | ${r.eval!.fConstancy.toExponential(3)} | ${r.eval!.count} |`),
  ];
}

function evalReports(reports: EvalReportSummary[]): string[] {
  if (!reports.length) return ['No `dtn eval` reports in the run folder.'];
  return [
    '| step | translation accuracy | f-constancy | classifier on target test | classifier on raw source | held-out |',
    '| --- | --- | --- | --- | --- | --- |',
    ...reports.map((r) => {
      const ref = r.reference;
      const cells = [r.step, pct(r.translation.accuracy), r.translation.fConstancy.toExponential(3)];
      cells.push(ref ? pct(ref.classifierOnTargetTest) : '–', ref ? pct(ref.classifierOnRawSource) : '–', r.heldOut ?? '–');
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}

export function modelCard({ manifest: m, config, info, metrics, evalReports: reports, encoder }: ModelCardInput): string {
  const a = m.architecture;
  const p = m.preprocessing;
  const t = config.train;
  const l = config.losses;
  const terms = [l.gan && 'L_GANG + L_D', l.const && `${l.alpha}·L_CONST (${l.constDistance})`, l.tid && `${l.beta}·L_TID`];
  if (l.tv && l.gamma > 0) terms.push(`${l.gamma}·L_TV`);
  return [
    `# ${m.name}: a Domain Transfer Network G = g∘f`,
    '',
    `Exported by \`dtn export\` on ${m.createdAt} from run \`${m.runId}\`, checkpoint at step **${m.step}**.`,
    '',
    '## Use',
    '',
    `- DTN Studio: \`dtn translate --checkpoint <this folder> <images…> --out <dir>\` (needs no run folder or encoder store).`,
    `- TensorFlow.js: \`await tf.loadLayersModel('…/${EXPORT_FILES.tfjsModel}')\`, then \`model.predict(x)\`.`,
    `  Input \`x\`: float32 [batch, ${p.imageSize}, ${p.imageSize}, ${p.inputChannels}] (NHWC) in [-1, 1];`,
    `  output: [batch, ${p.imageSize}, ${p.imageSize}, ${p.outputChannels}] in [-1, 1].`,
    '',
    '## Preprocessing',
    '',
    `- Images: ${p.resize}.`,
    `- Values: pixel v in 0…255 becomes v / 127.5 − 1; an output y becomes the pixel (y + 1) · 127.5.`,
    `- Channels: G reads ${p.inputChannels} and writes ${p.outputChannels}; ${p.channelConversion}.`,
    '',
    '## Architecture',
    '',
    `- f (frozen, pretrained): three 3×3 stride-2 convolutions of ${a.encoderWidths.join(', ')} channels with batch norm and ReLU,`,
    `  a 4×4 valid convolution to a ${a.embeddingSize}-d embedding with batch norm and tanh.`,
    `- g: 4×4 transposed convolutions of ${a.generatorWidths.join(', ')} channels with batch norm and ReLU`,
    `  (1 → 4 → 8 → 16), then 16 → ${a.imageSize} with ${a.targetChannels} channel(s) and tanh.`,
    '- Batch norm uses the trained moving statistics (inference mode), epsilon 1e-5.',
    '',
    '## Training',
    '',
    '| | |',
    '| --- | --- |',
    `| steps | ${m.step} of ${t.steps} (run: ${info ? `${info.status}, last step ${info.lastStep}` : 'run.json missing'}) |`,
    `| batch size | ${t.batchSize} |`,
    `| optimiser | Adam, learning rate ${t.learningRate} (${t.learningRateDecay} decay), β1 ${t.adamBeta1}, β2 ${t.adamBeta2} |`,
    `| generator loss | ${terms.filter(Boolean).join(' + ')} |`,
    `| seed | ${config.seed} |`,
    ...(info ? [`| backend | ${info.backend} on ${info.device} |`] : []),
    '',
    '## Data',
    '',
    `- Source domain S: ${describeData(config.source)}`,
    `- Target domain T: ${describeData(config.target)}`,
    `- f was pretrained for ${encoder.steps} steps on ${encoder.trainedOn}; held-out accuracy ${pct(encoder.heldOutAccuracy)}.`,
    ...(encoder.targetReading
      ? [`- f's reading of the target domain, which it never trained on: ${targetReadingText(encoder.targetReading)}.`]
      : []),
    '',
    '## Metrics',
    '',
    ...lossesSection(metrics),
    '',
    ...evalHistory(metrics),
    '',
    '## Evaluation reports',
    '',
    ...evalReports(reports),
    '',
    '## Citation',
    '',
    'Yaniv Taigman, Adam Polyak, Lior Wolf. *Unsupervised Cross-Domain Image Generation.* ICLR 2017.',
    '',
    '```bibtex',
    CITATION,
    '```',
    '',
  ].join('\n');
}
