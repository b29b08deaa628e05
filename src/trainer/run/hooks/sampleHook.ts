/** The sample grid of a run: the first source images and their translations G(x), one PNG per step. */
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../../../shared/config';
import type { TrainerMessage } from '../../../shared/protocol';
import type { ImageSet } from '../../data/imageSet';
import type { Dtn } from '../../dtn/dtn';
import type { RunFolder } from '../runFolder';
import { encodeGrid } from '../sampleGrid';
import { resizeImages } from '../../data/conform';

export class SampleHook {
  private readonly count: number;
  /** The source row, at the size of G's output (face crops are larger than the emoji). */
  private readonly pixels: Float32Array;
  private readonly inputs: tf.Tensor4D;

  constructor(
    private readonly deps: {
      folder: RunFolder;
      dtn: Dtn;
      arch: Architecture;
      source: ImageSet;
      /** Wanted images (fewer when the source has fewer). */
      count: number;
      /** Brings the model's variables up to date first (replayed steps write them lazily). */
      sync: () => void;
      emit: (msg: TrainerMessage) => void;
    },
  ) {
    const { arch, source } = deps;
    const { height, width, channels } = source;
    this.count = Math.min(deps.count, source.count);
    const inputs = source.images.slice(0, this.count * height * width * channels);
    this.inputs = tf.tensor4d(inputs, [this.count, height, width, channels]);
    const size = arch.imageSize;
    this.pixels = height === size && width === size ? inputs : resizeImages(inputs, this.count, height, width, channels, size);
  }

  /** Writes samples/step-XXXXXXXX.png and reports it; returns its path. */
  async write(step: number): Promise<string> {
    const { dtn, arch, folder } = this.deps;
    this.deps.sync();
    const out = tf.tidy(() => dtn.generate(this.inputs));
    const pixels = (await out.data()) as Float32Array;
    out.dispose();
    const rows = [
      { pixels: this.pixels, channels: this.deps.source.channels },
      { pixels, channels: arch.targetChannels },
    ];
    const file = folder.writeSample(step, encodeGrid(rows, this.count, arch.imageSize, arch.imageSize));
    this.deps.emit({ type: 'sample', step, path: file });
    return file;
  }

  dispose(): void {
    this.inputs.dispose();
  }
}
