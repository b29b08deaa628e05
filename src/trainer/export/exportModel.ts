/**
 * `dtn export`: a checkpoint (or a run folder's best, else newest; or `best`) -> a self-contained
 * export folder (exportLayout.ts). Written into a temporary sibling and renamed into place, so an interrupted
 * export never looks complete; an existing folder is replaced only if it is an export, or with force.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { digitsArchitecture, type BackendChoice } from '../../shared/config';
import { Encoder } from '../dtn/models/encoder';
import { DtnError, messageOf } from '../../shared/errors';
import { writeFolderAtomically } from '../../shared/node/atomicWrite';
import { isWithin } from '../../shared/node/paths';
import { stepName } from '../../shared/node/runLayout';
import type { RunInfo } from '../../shared/runInfo';
import { saveEncoder } from '../run/encoderStore';
import { resolveCheckpoint } from '../run/resumeTarget';
import type { RunFolder } from '../run/runFolder';
import { writeTensorFolder } from '../run/tensorFile';
import { loadTrainedDtn } from '../run/trainedDtn';
import { EXPORT_FILES, EXPORT_KIND, preprocessingOf, readExportManifest, type ExportManifest } from './exportLayout';
import { GENERATOR_KIND } from './loadExport';
import { modelCard, type EvalReportSummary } from './modelCard';
import { TFJS_WEIGHTS_FILE, tfjsModelArtifacts } from './tfjsModel';

export interface ExportOptions {
  checkpoint: string;
  out: string;
  force?: boolean;
  backend?: BackendChoice;
  onStatus?: (message: string) => void;
}

/** Refuses destinations whose replacement would lose something: a foreign folder (unless force), the run itself. */
function checkDestination(out: string, runDir: string, force: boolean): void {
  if (isWithin(runDir, out) || isWithin(out, runDir)) {
    throw new DtnError('OUTPUT_INVALID', `${out}: the export cannot be written inside its run folder or around it (${runDir})`, {
      file: out,
      fix: 'Choose an output folder outside the run folder',
    });
  }
  if (!fs.existsSync(out) || readExportManifest(out) || force) return;
  if (fs.statSync(out).isDirectory() && fs.readdirSync(out).length === 0) return;
  throw new DtnError('OUTPUT_INVALID', `${out} exists and is not a dtn export: refusing to replace it`, {
    file: out,
    fix: 'Choose a new or empty folder, or pass --force to replace it',
  });
}

/** `dtn eval` reports of this run at or before `step` (eval/step-XXXXXXXX.json). */
function readEvalReports(runDir: string, step: number): EvalReportSummary[] {
  const dir = path.join(runDir, 'eval');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => /^step-\d{8}\.json$/.test(n))
    .sort()
    .flatMap((n) => {
      try {
        return [JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as EvalReportSummary];
      } catch {
        return [];
      }
    })
    .filter((r) => typeof r.step === 'number' && r.step <= step && typeof r.translation?.accuracy === 'number');
}

function readInfo(folder: RunFolder): RunInfo | undefined {
  try {
    return folder.readInfo();
  } catch {
    return undefined; // the card says run.json is missing; the weights are what matter
  }
}

export async function exportModel(opts: ExportOptions): Promise<{ dir: string; manifest: ExportManifest }> {
  const say = opts.onStatus ?? (() => undefined);
  const target = resolveCheckpoint(opts.checkpoint, { ofRun: 'best' });
  const { checkpoint, runDir } = target;
  const out = path.resolve(opts.out);
  checkDestination(out, runDir, Boolean(opts.force));
  say(`loading ${checkpoint}`);
  // Only values are copied: the cpu backend is always there and fast enough.
  const trained = await loadTrainedDtn(target, { backendFor: () => opts.backend ?? 'cpu', use: 'Export' });
  const { dtn, config, folder, step, encoder } = trained;
  const f = dtn.f;
  try {
    const arch = digitsArchitecture(config.architecture, 'dtn export');
    if (!(f instanceof Encoder) || !encoder)
      throw new DtnError('CONFIG_INVALID', 'dtn export needs a run whose f was pretrained by dtn pretrain-f');
    const manifest: ExportManifest = {
      kind: EXPORT_KIND,
      format: 1,
      createdAt: new Date().toISOString(),
      name: config.name,
      step,
      runId: path.basename(runDir),
      checkpoint,
      architecture: arch,
      preprocessing: preprocessingOf(arch),
      files: EXPORT_FILES,
    };
    await writeFolderAtomically(out, async (tmp) => {
      say('writing the weights of g and f');
      // g's average when the run kept one: the generator its samples and evaluations showed.
      const g = dtn.inferenceParams();
      fs.writeFileSync(path.join(tmp, EXPORT_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
      await writeTensorFolder(path.join(tmp, EXPORT_FILES.generator), g, { kind: GENERATOR_KIND, step });
      const { trainedOn, steps, heldOutAccuracy, targetReading } = encoder;
      await saveEncoder(path.join(tmp, EXPORT_FILES.encoder), f, { trainedOn, steps, heldOutAccuracy, targetReading });
      say('writing the TensorFlow.js model');
      const params = new Map([...f.params.all(), ...g]);
      const tfjs = await tfjsModelArtifacts(arch, params, `${config.name}_${stepName(step)}`.replace(/[^\w]/g, '_'));
      const modelDir = path.dirname(path.join(tmp, EXPORT_FILES.tfjsModel));
      fs.mkdirSync(modelDir, { recursive: true });
      fs.writeFileSync(path.join(modelDir, TFJS_WEIGHTS_FILE), tfjs.weights);
      fs.writeFileSync(path.join(tmp, EXPORT_FILES.tfjsModel), tfjs.modelJson);
      say('writing MODEL.md');
      const metrics = folder.readMetrics().filter((r) => r.step <= step);
      const card = modelCard({ manifest, config, info: readInfo(folder), metrics, evalReports: readEvalReports(runDir, step), encoder });
      fs.writeFileSync(path.join(tmp, EXPORT_FILES.modelCard), card);
      // Last: the manifest marks the folder complete.
      fs.writeFileSync(path.join(tmp, EXPORT_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
    }).catch((err: unknown) => {
      if (err instanceof DtnError) throw err;
      throw new DtnError('OUTPUT_INVALID', `${out}: cannot write the export (${messageOf(err)})`, { file: out, cause: err });
    });
    return { dir: out, manifest };
  } finally {
    dtn.dispose();
    f.params.dispose();
  }
}
