/**
 * The export folder: a trained G = g∘f that needs neither its run folder nor the encoder store.
 * `manifest.json` (kind `dtn-export`) is written last, so its presence marks the folder complete.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DigitsArchitecture } from '../../shared/config';
import { TENSOR_MANIFEST } from '../../shared/node/runLayout';

export const EXPORT_KIND = 'dtn-export';

export const EXPORT_FILES = {
  manifest: TENSOR_MANIFEST,
  config: 'config.json',
  /** g's weights and running statistics: a tensor folder (tensorFile.ts) of kind dtn-generator. */
  generator: 'g',
  /** f: an encoder folder as `dtn pretrain-f` writes it. */
  encoder: 'f',
  /** Relative, with '/' on every platform (path.join accepts it). */
  tfjsModel: 'tfjs-model/model.json',
  modelCard: 'MODEL.md',
} as const;

/** How to turn an image into G's input and G's output back into an image. */
export interface Preprocessing {
  imageSize: number;
  /** Channels G takes (NHWC, float32). */
  inputChannels: number;
  outputChannels: number;
  layout: 'NHWC';
  /** Pixel values v in 0..255 map to v / 127.5 - 1; outputs map back with (y + 1) * 127.5. */
  range: [-1, 1];
  resize: string;
  channelConversion: string;
}

export interface ExportManifest {
  kind: typeof EXPORT_KIND;
  format: 1;
  createdAt: string;
  name: string;
  step: number;
  runId: string;
  /** The checkpoint this was exported from (it need not exist any more). */
  checkpoint: string;
  architecture: DigitsArchitecture;
  preprocessing: Preprocessing;
  files: typeof EXPORT_FILES;
}

/** The export's manifest, or undefined when `dir` is not a (complete) export folder. */
export function readExportManifest(dir: string): ExportManifest | undefined {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, EXPORT_FILES.manifest), 'utf8')) as Partial<ExportManifest>;
    return raw?.kind === EXPORT_KIND ? (raw as ExportManifest) : undefined;
  } catch {
    return undefined;
  }
}

export function preprocessingOf(arch: DigitsArchitecture): Preprocessing {
  return {
    imageSize: arch.imageSize,
    inputChannels: arch.sourceChannels,
    outputChannels: arch.targetChannels,
    layout: 'NHWC',
    range: [-1, 1],
    resize: `EXIF-oriented, composited over black, resized to ${arch.imageSize}x${arch.imageSize} (fill, linear kernel)`,
    channelConversion:
      arch.sourceChannels === 3
        ? 'grey images are replicated to 3 channels'
        : 'RGB images become grey by ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B)',
  };
}
