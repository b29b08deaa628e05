/** Turns a config's data spec into an ImageSet of the model's shape. */
import * as path from 'node:path';
import type { DataSpec } from '../../shared/config';
import { ImageSet } from './imageSet';
import { conformImageSet } from './conform';
import { loadMnistPackage } from './mnistPackage';
import { readIdx } from './idx';
import { readSvhnMat } from './svhn';
import { readImageFolder } from './imageFolder';
import { renderSyntheticDigits } from './syntheticDigits';
import { loadEmoji } from './emoji/loadEmoji';
import { DEFAULT_CACHE_ROOT } from '../../shared/node/runLayout';
import { loadFaceSpec } from './faces/faceDataSpec';
import { assertDomainFits } from './memoryBudget';

export interface LoadOptions {
  /** Folder of the config file; spec paths are relative to it. */
  baseDir: string;
  size: number;
  channels: 1 | 3;
  /** Run seed, used by synthetic digits unless the spec has its own. */
  seed: number;
  /** Told what a loader skipped (e.g. photos without a usable face), so that nothing is dropped silently. */
  onWarning?: (message: string) => void;
}

/**
 * Loads and conforms one domain. `count` larger than the data just uses all of it (a small
 * dataset is not an error). Asynchronous: sharp decodes image files asynchronously.
 */
export async function loadDataSpec(spec: DataSpec, opts: LoadOptions): Promise<ImageSet> {
  const resolve = (p: string) => path.resolve(opts.baseDir, p);
  const shape = { size: opts.size, channels: opts.channels };
  // Rendered kinds make exactly `count` images: check they fit before making any.
  if (spec.kind === 'synthetic-digits' || spec.kind === 'emoji')
    assertDomainFits(spec.count, opts.size, Math.max(3, opts.channels), `${spec.kind} count`);
  switch (spec.kind) {
    case 'synthetic-digits':
      // Rendered at the target size directly: sharper than resizing afterwards.
      return conformImageSet(
        await renderSyntheticDigits({ count: spec.count, seed: spec.seed ?? opts.seed, size: opts.size, handLettered: spec.handLettered }),
        shape,
      );
    case 'mnist-package':
      return conformImageSet(loadMnistPackage(spec.count), shape);
    case 'mnist-idx':
      return conformImageSet(
        readIdx(resolve(spec.images), spec.labels === undefined ? undefined : resolve(spec.labels), spec.count),
        shape,
      );
    case 'svhn-mat':
      return conformImageSet(readSvhnMat(resolve(spec.path), spec.count), shape);
    case 'image-folder':
      // Already at the target shape; the result keeps its label map and skipped files.
      return readImageFolder(resolve(spec.path), {
        labelsFromFolders: spec.labelsFromFolders,
        badFiles: spec.badFiles,
        count: spec.count,
        ...shape,
      });
    case 'emoji':
      // Rendered at the target size; cached under the config folder's .dtn/cache/emoji.
      return loadEmoji({
        styles: typeof spec.style === 'string' ? [spec.style] : spec.style,
        count: spec.count,
        seed: spec.seed ?? opts.seed,
        ...shape,
        cacheDir: path.join(opts.baseDir, DEFAULT_CACHE_ROOT, 'emoji'),
      });
    case 'face-photos':
    case 'face-api-demo-photos':
      // Cropped at 150 x 150 (the input of the face encoder f), then conformed.
      return conformImageSet(await loadFaceSpec(spec, { baseDir: opts.baseDir, onWarning: opts.onWarning }), shape);
    default: {
      const never: never = spec;
      throw new Error(`unknown data kind ${(never as { kind: string }).kind}`);
    }
  }
}
