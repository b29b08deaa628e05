/** Opens an export folder (exportLayout.ts) as a Dtn whose g and f are the exported ones. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { digitsArchitecture, type DtnConfig } from '../../shared/config';
import { DtnError } from '../../shared/errors';
import { Dtn } from '../dtn/dtn';
import { readConfigFile } from '../run/configFile';
import { loadEncoder } from '../run/encoderStore';
import { assignVariables, readTensorFolder } from '../run/tensorFile';
import { EXPORT_FILES, readExportManifest, type ExportManifest } from './exportLayout';

export const GENERATOR_KIND = 'dtn-generator';

export interface OpenedExport {
  dir: string;
  manifest: ExportManifest;
  config: DtnConfig;
  /** Makes the tensors: call once the backend is up. The caller disposes dtn and dtn.f. */
  load(): Dtn;
}

/** The export at `dir`, or undefined when `dir` is not one (then it is a checkpoint or run folder). */
export function openExport(dir: string): OpenedExport | undefined {
  const abs = path.resolve(dir);
  const manifest = readExportManifest(abs);
  if (!manifest) return undefined;
  const { config } = readConfigFile(path.join(abs, EXPORT_FILES.config), { effective: true });
  const load = () => {
    const fix = 'Export the checkpoint again (dtn export)';
    const { f } = loadEncoder(path.join(abs, EXPORT_FILES.encoder), digitsArchitecture(config.architecture, 'An export'), fix);
    const gDir = path.join(abs, EXPORT_FILES.generator);
    const dtn = new Dtn(config, f);
    try {
      const { meta, tensors } = readTensorFolder<{ kind?: string }>(gDir);
      if (meta?.kind !== GENERATOR_KIND || !fs.existsSync(gDir)) {
        throw new DtnError('CHECKPOINT_CORRUPT', `${gDir} is not an exported generator (kind: ${String(meta?.kind)})`, { file: gDir, fix });
      }
      assignVariables(dtn.g.params.all(), tensors, gDir);
      // The export holds one generator (the average, when the run kept one): generate() reads it.
      dtn.average?.restart();
      return dtn;
    } catch (e) {
      dtn.dispose();
      f.params.dispose();
      throw e;
    }
  };
  return { dir: abs, manifest, config, load };
}
