/**
 * The sample grid of a run: fixed source images (sampleSource.ts) and their translations G(x), one
 * PNG per step, and samples/index.json saying what each tile is.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../../../shared/config';
import type { TrainerMessage } from '../../../shared/protocol';
import { sameSources, SAMPLE_GRID_PAD, type SampleIndex } from '../../../shared/sampleIndex';
import type { Dtn } from '../../dtn/dtn';
import type { RunFolder } from '../runFolder';
import { encodeGrid } from '../sampleGrid';
import { labelText, type SampleSource } from '../sampleSource';
import { resizeImages } from '../../data/conform';

export class SampleHook {
  private readonly count: number;
  /** The source row, at the size of G's output (face crops are larger than the emoji). */
  private readonly pixels: Float32Array;
  private readonly inputs: tf.Tensor4D;
  private indexWritten = false;

  constructor(
    private readonly deps: {
      folder: RunFolder;
      dtn: Dtn;
      arch: Architecture;
      sample: SampleSource;
      /** Brings the model's variables up to date first (replayed steps write them lazily). */
      sync: () => void;
      emit: (msg: TrainerMessage) => void;
    },
  ) {
    const { arch } = deps;
    const { set, picks } = deps.sample;
    const { height, width, channels } = set;
    const per = height * width * channels;
    this.count = picks.length;
    const inputs = new Float32Array(this.count * per);
    picks.forEach((p, i) => inputs.set(set.images.subarray(p * per, (p + 1) * per), i * per));
    this.inputs = tf.tensor4d(inputs, [this.count, height, width, channels]);
    const size = arch.imageSize;
    this.pixels = height === size && width === size ? inputs : resizeImages(inputs, this.count, height, width, channels, size);
  }

  /** Writes samples/step-XXXXXXXX.png (and, the first time, samples/index.json) and reports it; returns its path. */
  async write(step: number): Promise<string> {
    const { dtn, arch, folder } = this.deps;
    this.deps.sync();
    const out = tf.tidy(() => dtn.generate(this.inputs));
    const pixels = (await out.data()) as Float32Array;
    out.dispose();
    const rows = [
      { pixels: this.pixels, channels: this.deps.sample.set.channels },
      { pixels, channels: arch.targetChannels },
    ];
    // The index goes first: a panel that sees the grid can name its tiles.
    if (!this.indexWritten) this.writeIndex(step);
    const file = folder.writeSample(step, encodeGrid(rows, this.count, arch.imageSize, arch.imageSize));
    this.deps.emit({ type: 'sample', step, path: file });
    return file;
  }

  /** Kept as it is when a resumed run shows the same sources; else it starts at `step`. */
  private writeIndex(step: number): void {
    const { set, picks, kind } = this.deps.sample;
    const size = this.deps.arch.imageSize;
    const index: SampleIndex = {
      kind: 'dtn-sample-index',
      version: 1,
      since: step,
      tile: { height: size, width: size },
      pad: SAMPLE_GRID_PAD,
      count: this.count,
      source: { kind, origin: set.origin },
      tiles: picks.map((p) => {
        const label = labelText(set, p);
        return label === undefined ? { index: p } : { index: p, label };
      }),
    };
    const old = this.deps.folder.readSampleIndex().index;
    const same = old && sameSources(old, index) && old.tile.height === size && old.tile.width === size && old.since <= step;
    if (!same) this.deps.folder.writeSampleIndex(index);
    this.indexWritten = true;
  }

  dispose(): void {
    this.inputs.dispose();
  }
}
