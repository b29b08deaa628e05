/** MNIST IDX files (http://yann.lecun.com/exdb/mnist/), plain or gzipped. */
import { DataError, ImageSet } from './imageSet';
import { readInputFile } from './fileBytes';

const IMAGES_MAGIC = 0x00000803; // uint8, 3 dimensions
const LABELS_MAGIC = 0x00000801; // uint8, 1 dimension
const FIX = 'Use the original train-images-idx3-ubyte / train-labels-idx1-ubyte files (gzipped or not) from the MNIST site';

function hex(n: number): string {
  if (n < 0) return '(none: file shorter than 4 bytes)';
  return '0x' + n.toString(16).padStart(8, '0');
}

function parseImages(file: string): { pixels: Buffer; n: number; rows: number; cols: number } {
  const buf = readInputFile(file, 'an IDX images file', FIX);
  // Magic first: a labels file passed as images is a likelier mistake than a truncated header.
  const magic = buf.length >= 4 ? buf.readUInt32BE(0) : -1;
  if (magic !== IMAGES_MAGIC) {
    const hint = magic === LABELS_MAGIC ? ' (this is a labels file; swap "images" and "labels")' : '';
    throw new DataError(`wrong magic number ${hex(magic)}, expected ${hex(IMAGES_MAGIC)} for uint8 images${hint}`, file, FIX);
  }
  if (buf.length < 16) throw new DataError(`truncated: ${buf.length} bytes, expected at least a 16-byte IDX images header`, file, FIX);
  const total = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  const need = 16 + total * rows * cols;
  if (buf.length < need)
    throw new DataError(
      `truncated: header says ${total} images of ${rows}x${cols} (${need} bytes) but the file has ${buf.length} bytes`,
      file,
      `Download the file again; ${FIX}`,
    );
  return { pixels: buf.subarray(16, need), n: total, rows, cols };
}

function parseLabels(file: string): Buffer {
  const buf = readInputFile(file, 'an IDX labels file', FIX);
  const magic = buf.length >= 4 ? buf.readUInt32BE(0) : -1;
  if (magic !== LABELS_MAGIC) {
    const hint = magic === IMAGES_MAGIC ? ' (this is an images file; swap "images" and "labels")' : '';
    throw new DataError(`wrong magic number ${hex(magic)}, expected ${hex(LABELS_MAGIC)} for uint8 labels${hint}`, file, FIX);
  }
  if (buf.length < 8) throw new DataError(`truncated: ${buf.length} bytes, expected at least an 8-byte IDX labels header`, file, FIX);
  const total = buf.readUInt32BE(4);
  if (buf.length < 8 + total)
    throw new DataError(
      `truncated: header says ${total} labels but the file has ${buf.length - 8} label bytes`,
      file,
      `Download the file again; ${FIX}`,
    );
  return buf.subarray(8, 8 + total);
}

/** Images as HxWx1 in [-1, 1]; labels (0-9) when a labels file is given, which must match image-for-image. */
export function readIdx(imagesPath: string, labelsPath?: string, count?: number): ImageSet {
  const img = parseImages(imagesPath);
  let labels: Int32Array | undefined;
  if (labelsPath !== undefined) {
    const raw = parseLabels(labelsPath);
    if (raw.length !== img.n) {
      throw new DataError(
        `has ${raw.length} labels but ${imagesPath} has ${img.n} images`,
        labelsPath,
        'Pair the images file with its own labels file (train with train, t10k with t10k)',
      );
    }
    labels = Int32Array.from(raw);
  }
  const n = Math.min(count ?? img.n, img.n);
  const size = img.rows * img.cols;
  const images = new Float32Array(n * size);
  for (let i = 0; i < images.length; i++) images[i] = img.pixels[i] / 127.5 - 1;
  return {
    images,
    labels: labels?.slice(0, n),
    count: n,
    height: img.rows,
    width: img.cols,
    channels: 1,
    origin: imagesPath,
  };
}
