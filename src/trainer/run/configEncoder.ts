/**
 * f for a config: the digits encoder `dtn pretrain-f` wrote (encoder.path, else
 * .dtn/encoders/<name>), a published encoder loaded from its package, or an encoder registered in
 * .dtn/encoders (encoder.name; run/encoderRegistry.ts). The one place training, evaluation and
 * translation get f from.
 */
import type { DtnConfig } from '../../shared/config';
import { isPublishedEncoderName } from '../../shared/encoders';
import { DtnError } from '../../shared/errors';
import type { FeatureEncoder } from '../dtn/models/featureEncoder';
import { ensureFaceApiData } from '../data/faces/faceApiPackage';
import { loadPublishedEncoder } from '../dtn/models/publishedEncoders';
import { loadRegisteredEncoder } from './encoderRegistry';
import { defaultEncoderDir, loadEncoder, type EncoderMeta } from './encoderStore';

export interface ConfigEncoder {
  f: FeatureEncoder;
  /** Where f came from, for logs: a folder or a package. */
  origin: string;
  /** The pretraining record of a digits encoder; absent for a published one. */
  meta?: EncoderMeta;
}

/** `fix` completes the error of a missing pretrained encoder (e.g. "Train it first: dtn pretrain-f …"). */
export async function loadConfigEncoder(config: DtnConfig, baseDir: string, fix: string): Promise<ConfigEncoder> {
  const arch = config.architecture;
  const name = config.encoder.name;
  // A registered name resolves against the config's folder, as encoder.path does.
  if (name !== undefined && !isPublishedEncoderName(name)) return loadRegisteredEncoder(baseDir, name, arch, fix);
  if (arch.kind === 'faces') {
    if (!name) {
      throw new DtnError('CONFIG_INVALID', 'a faces config needs a face-identity f: set encoder.name (e.g. "face-recognition-net")', {
        fix: 'Add "encoder": { "name": "face-recognition-net" } to the config.',
      });
    }
    await ensureFaceApiData();
    const { f, origin } = loadPublishedEncoder(name);
    return { f, origin };
  }
  if (name) {
    throw new DtnError(
      'CONFIG_INVALID',
      `encoder.name "${name}" is a face encoder; the digits architecture uses the f that dtn pretrain-f trains`,
      {
        fix: 'Remove encoder.name, or use "architecture": { "kind": "faces", … }.',
      },
    );
  }
  const dir = defaultEncoderDir(config, baseDir);
  const { f, meta } = loadEncoder(dir, arch, fix);
  return { f, origin: dir, meta };
}
