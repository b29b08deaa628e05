/** A folder of images (PNG, JPEG, WebP, GIF, BMP, TIFF; see imageDecode), optionally labelled by sub-folder name (class folders). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError, ImageSet } from './imageSet';
import { IMAGE_EXTENSIONS, isImageName } from '../../shared/imageFiles';
import { decodeImages } from './imageDecode';

export interface ImageFolderOptions {
  labelsFromFolders: boolean;
  count?: number;
  /** Every image is resized to size x size (aspect ratio is not kept). */
  size: number;
  channels: 1 | 3;
}

export interface ImageFolderSet extends ImageSet {
  /** Class names (sorted sub-folder names) when labelsFromFolders; label i is classNames[i]. */
  classNames?: string[];
}

/** Plain code-unit order, not locale order, so every machine lists files the same way. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.'))
      .sort((a, b) => byName(a.name, b.name));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'folder not found' : code === 'ENOTDIR' ? 'is a file, expected a folder of images' : (e as Error).message;
    throw new DataError(why, dir, 'Check the "path" of the image-folder data spec (it is relative to the config file)');
  }
}

function imagesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of listDir(dir)) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...imagesUnder(p));
    else if (e.isFile() && isImageName(e.name)) out.push(p);
  }
  return out;
}

/** Round-robin over classes so any prefix (`count`) is balanced, as with the MNIST package. */
function interleave(perClass: string[][]): { file: string; label: number }[] {
  const out: { file: string; label: number }[] = [];
  const longest = Math.max(0, ...perClass.map((c) => c.length));
  for (let i = 0; i < longest; i++) perClass.forEach((files, label) => i < files.length && out.push({ file: files[i], label }));
  return out;
}

export async function readImageFolder(dir: string, opts: ImageFolderOptions): Promise<ImageFolderSet> {
  let entries: { file: string; label?: number }[];
  let classNames: string[] | undefined;
  if (opts.labelsFromFolders) {
    const all = listDir(dir);
    const loose = all.filter((e) => e.isFile() && isImageName(e.name));
    if (loose.length > 0) {
      throw new DataError(
        `has images directly inside it (e.g. ${loose[0].name}) but labelsFromFolders needs every image in a class sub-folder`,
        dir,
        'Move them into a sub-folder named after their class, or set "labelsFromFolders": false',
      );
    }
    const classes = all.filter((e) => e.isDirectory());
    classNames = classes.map((e) => e.name);
    entries = interleave(classes.map((e) => imagesUnder(path.join(dir, e.name))));
  } else {
    entries = listDir(dir)
      .filter((e) => e.isFile() && isImageName(e.name))
      .map((e) => ({ file: path.join(dir, e.name) }));
  }
  if (entries.length === 0) {
    const where = opts.labelsFromFolders
      ? 'in its class sub-folders'
      : 'directly inside it (sub-folders are only read with "labelsFromFolders": true)';
    throw new DataError(
      `no images (${IMAGE_EXTENSIONS.join(' ')}) ${where}`,
      dir,
      'Put images there, or point "path" at the folder that holds them',
    );
  }

  const n = Math.min(opts.count ?? entries.length, entries.length);
  const { size, channels } = opts;
  const perImage = size * size * channels;
  const images = new Float32Array(n * perImage);
  const labels = opts.labelsFromFolders ? new Int32Array(n) : undefined;
  const decoded = await decodeImages(
    entries.slice(0, n).map((e) => e.file),
    { size, channels },
  );
  decoded.forEach((pixels, i) => {
    images.set(pixels, i * perImage);
    if (labels) labels[i] = entries[i].label!;
  });
  return { images, labels, count: n, height: size, width: size, channels, origin: dir, classNames };
}
