/**
 * Reading the encoder folders of a workspace (<workspace>/.dtn/encoders/<name>/) without tfjs: a
 * digits encoder `dtn pretrain-f` wrote (manifest.json of kind dtn-encoder) or a registered
 * TensorFlow.js model (encoder.json). The trainer's registry and the extension's tree both list
 * encoders through here, so they agree on what a folder is and on where a model file may lie.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isEncoderName } from '../encoderName';
import {
  PretrainedEncoderMetaSchema,
  publishedEncoderEntries,
  TFJS_ENCODER_DESCRIPTOR,
  TfjsEncoderDescriptorSchema,
  type EncoderEntry,
  type EncoderListing,
  type EncoderProblem,
  type TfjsEncoderDescriptor,
} from '../encoders';
import { messageOf } from '../errors';
import { isWithin } from './paths';
import { DEFAULT_ENCODER_ROOT, TENSOR_MANIFEST } from './runLayout';

export type EncoderFolder =
  | { kind: 'pretrained'; dir: string; entry: EncoderEntry }
  | { kind: 'tfjs-model'; dir: string; entry: EncoderEntry; descriptor: TfjsEncoderDescriptor; modelFile: string }
  | { kind: 'problem'; dir: string; problem: EncoderProblem };

export function encoderRootOf(workspaceDir: string): string {
  return path.join(workspaceDir, DEFAULT_ENCODER_ROOT);
}

/** The folder of the registered encoder `name`; undefined for a name that is not a single safe folder name. */
export function encoderDirOf(workspaceDir: string, name: string): string | undefined {
  return isEncoderName(name) ? path.join(encoderRootOf(workspaceDir), name) : undefined;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Resolved through symbolic links where it exists, so a link cannot lead out of the workspace. */
function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * The model.json a descriptor names: relative to the encoder folder and inside the workspace
 * (the folder holding .dtn). Throws an Error saying why not.
 */
export function resolveModelFile(dir: string, descriptor: Pick<TfjsEncoderDescriptor, 'model'>, workspaceDir: string): string {
  const model = descriptor.model;
  if (path.isAbsolute(model) || path.win32.isAbsolute(model) || /^[a-z][a-z0-9+.-]*:/i.test(model))
    throw new Error(`"model": "${model}" must be a path relative to the encoder folder`);
  const file = path.resolve(dir, model);
  if (!isWithin(workspaceDir, file)) throw new Error(`"model": "${model}" leads outside the workspace ${workspaceDir}`);
  if (!fs.existsSync(file)) throw new Error(`"model": "${model}": ${file} does not exist`);
  if (!isWithin(realOrResolved(workspaceDir), realOrResolved(file)))
    throw new Error(`"model": "${model}" leads outside the workspace ${workspaceDir} through a symbolic link`);
  return file;
}

function describePretrained(name: string, dir: string, raw: unknown): EncoderFolder {
  const meta = PretrainedEncoderMetaSchema.safeParse((raw as { meta?: unknown } | null)?.meta);
  if (!meta.success) {
    const kind = (raw as { meta?: { kind?: unknown } } | null)?.meta?.kind;
    const message = typeof kind === 'string' ? `${TENSOR_MANIFEST} is of kind ${kind}` : `${TENSOR_MANIFEST} is not an encoder's`;
    return { kind: 'problem', dir, problem: { name, dir, message: `not an encoder folder: ${message}` } };
  }
  const { architecture: a, trainedOn, steps, heldOutAccuracy, targetReading } = meta.data;
  const on = `held-out ${trainedOn ?? 'source images'}`;
  const entry: EncoderEntry = {
    name,
    kind: 'pretrained',
    inputSize: a.imageSize,
    inputChannels: a.sourceChannels,
    embeddingSize: a.embeddingSize,
    accuracy: heldOutAccuracy === undefined ? undefined : { value: heldOutAccuracy, on },
    targetReading,
    location: dir,
    description: `digits encoder trained by dtn pretrain-f${trainedOn ? ` on ${trainedOn}` : ''}${steps ? ` (${steps} steps)` : ''}`,
  };
  return { kind: 'pretrained', dir, entry };
}

function describeTfjs(name: string, dir: string, raw: unknown, workspaceDir: string): EncoderFolder {
  const file = path.join(dir, TFJS_ENCODER_DESCRIPTOR);
  const parsed = TfjsEncoderDescriptorSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { kind: 'problem', dir, problem: { name, dir, message: `${file} is not a valid descriptor (${issues})` } };
  }
  const descriptor = parsed.data;
  let modelFile: string;
  try {
    modelFile = resolveModelFile(dir, descriptor, workspaceDir);
  } catch (err) {
    return { kind: 'problem', dir, problem: { name, dir, message: `${file}: ${messageOf(err)}` } };
  }
  const layer = descriptor.embeddingLayer ? `layer ${descriptor.embeddingLayer}` : "the model's output";
  const entry: EncoderEntry = {
    name,
    kind: 'tfjs-model',
    inputSize: descriptor.inputSize,
    inputChannels: descriptor.channels,
    embeddingSize: descriptor.embeddingSize,
    accuracy: descriptor.accuracy,
    location: dir,
    description: descriptor.description ?? `TensorFlow.js Layers model (${path.relative(dir, modelFile)}), f(x) = ${layer}`,
  };
  return { kind: 'tfjs-model', dir, entry, descriptor, modelFile };
}

/** What the folder `dir` holds (its name is the encoder's); a problem for anything that is not a usable encoder. */
export function readEncoderFolder(dir: string, workspaceDir: string): EncoderFolder {
  const name = path.basename(dir);
  const problem = (message: string): EncoderFolder => ({ kind: 'problem', dir, problem: { name, dir, message } });
  for (const [file, describe] of [
    [TFJS_ENCODER_DESCRIPTOR, (raw: unknown) => describeTfjs(name, dir, raw, workspaceDir)],
    [TENSOR_MANIFEST, (raw: unknown) => describePretrained(name, dir, raw)],
  ] as const) {
    const p = path.join(dir, file);
    if (!fs.existsSync(p)) continue;
    try {
      return describe(readJson(p));
    } catch (err) {
      return problem(`${p} cannot be read: ${messageOf(err)}`);
    }
  }
  return problem(`neither ${TFJS_ENCODER_DESCRIPTOR} (a registered model) nor ${TENSOR_MANIFEST} (a pretrained encoder)`);
}

/** Every folder under <workspace>/.dtn/encoders, by name; hidden ones (temporary folders) are skipped. */
export function listEncoderFolders(workspaceDir: string): EncoderFolder[] {
  const root = encoderRootOf(workspaceDir);
  let names: string[];
  try {
    names = fs
      .readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name);
  } catch {
    return [];
  }
  return names.sort().map((n) => readEncoderFolder(path.join(root, n), workspaceDir));
}

/** The published encoders, then the workspace's folders: what `dtn encoders` prints. */
export function listEncoders(workspaceDir: string): EncoderListing {
  const folders = listEncoderFolders(workspaceDir);
  return {
    type: 'encoders',
    workspace: workspaceDir,
    encoders: [...publishedEncoderEntries(), ...folders.flatMap((f) => (f.kind === 'problem' ? [] : [f.entry]))],
    problems: folders.flatMap((f) => (f.kind === 'problem' ? [f.problem] : [])),
  };
}
