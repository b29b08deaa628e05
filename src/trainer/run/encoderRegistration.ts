/**
 * `dtn encoders add`: registers a user's TensorFlow.js Layers model as an encoder, the folder
 * <workspace>/.dtn/encoders/<name>/ with encoder.json (TfjsEncoderDescriptor) and, unless linked,
 * a copy of the model's files. The model is loaded once before anything is written, so a
 * registered model is one that loads; the folder is written whole (temporary folder, then rename).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EncoderNameSchema } from '../../shared/encoderName';
import {
  preprocessingProblem,
  TFJS_ENCODER_DESCRIPTOR,
  TFJS_ENCODER_KIND,
  type Accuracy,
  type EncoderEntry,
  type Preprocessing,
  type TfjsEncoderDescriptor,
} from '../../shared/encoders';
import { DtnError } from '../../shared/errors';
import { writeFolderAtomically } from '../../shared/node/atomicWrite';
import { encoderRootOf, readEncoderFolder, resolveModelFile } from '../../shared/node/encoderFolders';
import { isWithin } from '../../shared/node/paths';
import { isLayersClass, TfjsEncoder } from '../dtn/models/tfjsEncoder';
import { readLayersModelFiles } from './tfjsModelFiles';

/** Where a copied model goes inside the encoder folder. */
const MODEL_COPY = 'model';

export interface AddEncoderOptions {
  /** The folder whose .dtn/encoders receives the encoder (a config's folder, usually the workspace). */
  workspaceDir: string;
  name: string;
  /** The model's model.json. */
  model: string;
  inputSize: number;
  channels: 1 | 3;
  preprocessing: Preprocessing;
  embeddingLayer?: string;
  /** Point to the model where it is (it must lie inside the workspace) instead of copying it. */
  link?: boolean;
  /** Replace a folder of that name even if it is not a registered model. */
  force?: boolean;
  accuracy?: Accuracy;
  description?: string;
}

/** Refuses to replace a folder that would lose something: anything but an earlier registration, unless forced. */
function checkDestination(dest: string, force: boolean): void {
  if (!fs.existsSync(dest) || force || fs.existsSync(path.join(dest, TFJS_ENCODER_DESCRIPTOR))) return;
  if (fs.statSync(dest).isDirectory() && fs.readdirSync(dest).length === 0) return;
  throw new DtnError(
    'OUTPUT_INVALID',
    `${dest} exists and is not a registered model (no ${TFJS_ENCODER_DESCRIPTOR}): refusing to replace it`,
    {
      file: dest,
      fix: 'Choose another name, or pass --force to replace it.',
    },
  );
}

/** model.json and its weight files, copied to `into` with their relative layout. */
function copyModel(modelFile: string, weightFiles: string[], into: string): void {
  const from = path.dirname(modelFile);
  for (const file of [modelFile, ...weightFiles]) {
    const to = path.join(into, path.relative(from, file));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(file, to);
  }
}

const slashes = (p: string) => p.split(path.sep).join('/');

export async function addTfjsEncoder(opts: AddEncoderOptions): Promise<EncoderEntry> {
  const name = EncoderNameSchema.safeParse(opts.name);
  if (!name.success) {
    throw new DtnError('OUTPUT_INVALID', `"${opts.name}": ${name.error.issues[0].message}`, {
      fix: 'Choose a name such as my-face-net: it becomes the folder .dtn/encoders/<name> and the config\'s "encoder": { "name" }.',
    });
  }
  const workspaceDir = path.resolve(opts.workspaceDir);
  const dest = path.join(encoderRootOf(workspaceDir), name.data);
  const modelFile = path.resolve(opts.model);
  const problem = preprocessingProblem(opts.preprocessing, opts.channels);
  if (problem)
    throw new DtnError('ENCODER_INVALID', `--preprocessing: ${problem}`, { fix: 'Choose a preprocessing for this channel count.' });
  checkDestination(dest, Boolean(opts.force));
  // Checked before anything is written: the files are a Layers model of known classes and complete weights.
  const files = readLayersModelFiles(modelFile, isLayersClass);
  let model = `${MODEL_COPY}/${path.basename(modelFile)}`;
  if (opts.link) {
    if (isWithin(dest, modelFile)) {
      throw new DtnError('OUTPUT_INVALID', `${modelFile} lies in ${dest}, which registering replaces`, {
        file: modelFile,
        fix: 'Register it without --link (the files are copied), or under another name.',
      });
    }
    model = slashes(path.relative(dest, modelFile));
    try {
      resolveModelFile(dest, { model }, workspaceDir);
    } catch (err) {
      throw new DtnError('ENCODER_INVALID', `--link: ${(err as Error).message}`, {
        file: modelFile,
        fix: 'Link only to a model inside the workspace, or register it without --link (the files are copied).',
      });
    }
  }
  const registeredFrom = isWithin(workspaceDir, modelFile) ? slashes(path.relative(workspaceDir, modelFile)) : modelFile;
  const spec = {
    inputSize: opts.inputSize,
    channels: opts.channels,
    preprocessing: opts.preprocessing,
    embeddingLayer: opts.embeddingLayer,
  };
  // Loaded once from the files just read (errors name the user's model.json), before anything is written.
  const f = await TfjsEncoder.load(files, spec);
  const embeddingSize = f.embeddingSize;
  f.params.dispose();
  const descriptor: TfjsEncoderDescriptor = {
    kind: TFJS_ENCODER_KIND,
    format: 1,
    model,
    ...spec,
    embeddingSize,
    accuracy: opts.accuracy,
    description: opts.description,
    registeredFrom,
    createdAt: new Date().toISOString(),
  };
  await writeFolderAtomically(dest, async (tmp) => {
    if (!opts.link) copyModel(modelFile, files.weightFiles, path.join(tmp, MODEL_COPY));
    fs.writeFileSync(path.join(tmp, TFJS_ENCODER_DESCRIPTOR), `${JSON.stringify(descriptor, null, 2)}\n`);
  });
  const folder = readEncoderFolder(dest, workspaceDir);
  if (folder.kind !== 'tfjs-model') throw new DtnError('INTERNAL', `${dest}: written but not readable back (${JSON.stringify(folder)})`);
  return folder.entry;
}
