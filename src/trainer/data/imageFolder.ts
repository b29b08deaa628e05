/** A folder of PNG/JPEG images, optionally labelled by sub-folder name (class folders). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { DataError, ImageSet } from './imageSet';
import { convertChannels, resizeImages } from './conform';

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

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

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

const isImage = (name: string) => EXTENSIONS.has(path.extname(name).toLowerCase());

function imagesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of listDir(dir)) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...imagesUnder(p));
    else if (e.isFile() && isImage(e.name)) out.push(p);
  }
  return out;
}

/** Decodes by content (magic bytes), so a mislabelled extension still works. Returns RGB bytes. */
function decodeRgb(file: string): { rgb: Uint8Array; width: number; height: number } {
  const buf = fs.readFileSync(file);
  let rgba: Uint8Array, width: number, height: number;
  try {
    if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47) {
      const png = PNG.sync.read(buf);
      ({ width, height } = png);
      rgba = png.data;
    } else if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xd8) {
      // Strict decoding: a tolerant decoder turns corrupt files into silent garbage.
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxMemoryUsageInMB: 1024 });
      ({ width, height } = img);
      rgba = img.data;
    } else {
      throw new Error('unrecognised file signature');
    }
    if (!(width > 0 && height > 0) || rgba.length < width * height * 4) throw new Error('no pixel data');
  } catch (e) {
    throw new DataError(
      `not a valid PNG/JPEG image (${(e as Error).message})`,
      file,
      'Re-export it as PNG or JPEG, or remove it from the folder',
    );
  }
  // Transparent pixels are composited over black (dark backgrounds, as in MNIST).
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const a = rgba[4 * p + 3] / 255;
    rgb[3 * p] = rgba[4 * p] * a;
    rgb[3 * p + 1] = rgba[4 * p + 1] * a;
    rgb[3 * p + 2] = rgba[4 * p + 2] * a;
  }
  return { rgb, width, height };
}

/** Round-robin over classes so any prefix (`count`) is balanced, as with the MNIST package. */
function interleave(perClass: string[][]): { file: string; label: number }[] {
  const out: { file: string; label: number }[] = [];
  const longest = Math.max(0, ...perClass.map((c) => c.length));
  for (let i = 0; i < longest; i++) perClass.forEach((files, label) => i < files.length && out.push({ file: files[i], label }));
  return out;
}

export function readImageFolder(dir: string, opts: ImageFolderOptions): ImageFolderSet {
  let entries: { file: string; label?: number }[];
  let classNames: string[] | undefined;
  if (opts.labelsFromFolders) {
    const all = listDir(dir);
    const loose = all.filter((e) => e.isFile() && isImage(e.name));
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
      .filter((e) => e.isFile() && isImage(e.name))
      .map((e) => ({ file: path.join(dir, e.name) }));
  }
  if (entries.length === 0) {
    const where = opts.labelsFromFolders
      ? 'in its class sub-folders'
      : 'directly inside it (sub-folders are only read with "labelsFromFolders": true)';
    throw new DataError(
      `no .png/.jpg/.jpeg images ${where}`,
      dir,
      'Put PNG or JPEG images there, or point "path" at the folder that holds them',
    );
  }

  const n = Math.min(opts.count ?? entries.length, entries.length);
  const { size, channels } = opts;
  const perImage = size * size * channels;
  const images = new Float32Array(n * perImage);
  const labels = opts.labelsFromFolders ? new Int32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const { rgb, width, height } = decodeRgb(entries[i].file);
    let px: Float32Array = new Float32Array(rgb.length);
    for (let k = 0; k < rgb.length; k++) px[k] = rgb[k] / 127.5 - 1;
    px = convertChannels(px, width * height, 3, channels);
    if (width !== size || height !== size) px = resizeImages(px, 1, height, width, channels, size);
    images.set(px, i * perImage);
    if (labels) labels[i] = entries[i].label!;
  }
  return { images, labels, count: n, height: size, width: size, channels, origin: dir, classNames };
}
