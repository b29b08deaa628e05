/**
 * The encoders a config can name as f, and loading one by name: the published ones (their
 * package), and the folders of <workspace>/.dtn/encoders (a digits encoder `dtn pretrain-f` wrote,
 * or a user's TensorFlow.js model registered with `dtn encoders add`). Listing reads descriptors
 * only (shared/node/encoderFolders.ts, which the extension uses too); loading builds f.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Architecture } from '../../shared/config';
import { encoderShapeText, TFJS_ENCODER_DESCRIPTOR } from '../../shared/encoders';
import { DtnError } from '../../shared/errors';
import { encoderDirOf, encoderRootOf, listEncoders, readEncoderFolder } from '../../shared/node/encoderFolders';
import { isLayersClass, TfjsEncoder, type TfjsEncoderSpec } from '../dtn/models/tfjsEncoder';
import type { ConfigEncoder } from './configEncoder';
import { loadEncoder } from './encoderStore';
import { readLayersModelFiles } from './tfjsModelFiles';

export { listEncoders };

const addUsage = (name: string) => `dtn encoders add ${name} --model <model.json> --input-size N --channels 1|3 --preprocessing P`;

/** f from a Layers model's files, checked against `spec` (errors name the file at fault). */
export async function loadTfjsEncoder(modelFile: string, spec: TfjsEncoderSpec): Promise<TfjsEncoder> {
  return TfjsEncoder.load(readLayersModelFiles(modelFile, isLayersClass), spec);
}

/**
 * f for `encoder.name` = `name` (not a published one) in a config whose folder is `workspaceDir`.
 * `arch` is the config's: a digits g reads architecture.embeddingSize values, so f must give that many.
 */
export async function loadRegisteredEncoder(workspaceDir: string, name: string, arch: Architecture, fix: string): Promise<ConfigEncoder> {
  const dir = encoderDirOf(workspaceDir, name);
  if (!dir || !fs.existsSync(dir)) {
    throw new DtnError('ENCODER_MISSING', `no encoder "${name}" in ${encoderRootOf(workspaceDir)}`, {
      file: dir,
      fix: `Register a TensorFlow.js model as "${name}": ${addUsage(name)} (dtn encoders lists the registered ones).`,
    });
  }
  const folder = readEncoderFolder(dir, workspaceDir);
  switch (folder.kind) {
    case 'problem':
      throw new DtnError('ENCODER_INVALID', `encoder "${name}": ${folder.problem.message}`, {
        file: dir,
        fix: `Register the model again: ${addUsage(name)} --force`,
      });
    case 'pretrained': {
      if (arch.kind !== 'digits') {
        throw new DtnError(
          'CONFIG_INVALID',
          `encoder "${name}" is a digits encoder from dtn pretrain-f; a ${arch.kind} config needs another f`,
          {
            file: dir,
            fix: 'Name a face-identity encoder (dtn encoders lists them).',
          },
        );
      }
      const { f, meta } = loadEncoder(dir, arch, fix);
      return { f, origin: dir, meta };
    }
    case 'tfjs-model': {
      const { modelFile, descriptor } = folder;
      const f = await loadTfjsEncoder(modelFile, descriptor);
      if (f.embeddingSize !== descriptor.embeddingSize) {
        f.params.dispose();
        throw new DtnError(
          'ENCODER_INVALID',
          `${modelFile}: the embedding has ${f.embeddingSize} values; ` +
            `${path.join(dir, TFJS_ENCODER_DESCRIPTOR)} records ${descriptor.embeddingSize}`,
          { file: modelFile, fix: `The model changed since it was registered: ${addUsage(name)} --force` },
        );
      }
      if (arch.kind === 'digits' && f.embeddingSize !== arch.embeddingSize) {
        f.params.dispose();
        throw new DtnError(
          'ENCODER_INVALID',
          `encoder "${name}" (${encoderShapeText(folder.entry)}) gives ${f.embeddingSize} values, ` +
            `but the digits g reads architecture.embeddingSize = ${arch.embeddingSize}`,
          {
            file: dir,
            fix: `Set "embeddingSize": ${f.embeddingSize} in the config's architecture, or register another layer as the embedding.`,
          },
        );
      }
      return { f, origin: `${dir} (${modelFile})` };
    }
  }
}
