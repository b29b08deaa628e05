/** A folder of images (PNG, JPEG, WebP, GIF, BMP, TIFF; see imageDecode), optionally labelled by sub-folder name (class folders). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError, type ImageSet, type SkippedFile } from './imageSet';
import { IMAGE_EXTENSIONS, isImageName } from '../../shared/imageFiles';
import { decodeImages } from './imageDecode';
import { byName, listDataDir } from './folderListing';

export interface ImageFolderOptions {
  labelsFromFolders: boolean;
  count?: number;
  /** A file that cannot be decoded: skipped and reported (default), or the load fails naming it. */
  badFiles?: 'skip' | 'fail';
  /** Every image is resized to size x size (aspect ratio is not kept). */
  size: number;
  channels: 1 | 3;
}

/**
 * Labels for class folders: folders named by numbers are their own labels (a folder "7" holds
 * sevens, even when "3" is missing); otherwise the sorted position of the name.
 */
export function folderLabels(names: readonly string[]): Record<string, number> {
  const numeric = names.length > 0 && names.every((n) => /^\d{1,6}$/.test(n));
  if (numeric && new Set(names.map(Number)).size === names.length) return Object.fromEntries(names.map((n) => [n, Number(n)]));
  return Object.fromEntries([...names].sort(byName).map((n, i) => [n, i]));
}

function listDir(dir: string): fs.Dirent[] {
  return listDataDir(dir, 'image-folder', 'images');
}

function imagesUnder(dir: string, skipped: SkippedFile[]): string[] {
  const out: string[] = [];
  for (const e of listDir(dir)) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...imagesUnder(p, skipped));
    else if (e.isFile() && isImageName(e.name)) out.push(p);
    else if (e.isFile()) skipped.push({ file: p, reason: NOT_IMAGE });
  }
  return out;
}

const NOT_IMAGE = 'not an image file';

/** Round-robin over classes so any prefix (`count`) is balanced, as with the MNIST package. */
function interleave(perClass: { files: string[]; label: number }[]): { file: string; label: number }[] {
  const out: { file: string; label: number }[] = [];
  const longest = Math.max(0, ...perClass.map((c) => c.files.length));
  for (let i = 0; i < longest; i++) for (const { files, label } of perClass) if (i < files.length) out.push({ file: files[i], label });
  return out;
}

export async function readImageFolder(dir: string, opts: ImageFolderOptions): Promise<ImageSet> {
  let entries: { file: string; label?: number }[];
  let labelMap: Record<string, number> | undefined;
  const skipped: SkippedFile[] = [];
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
    const classes = all.filter((e) => e.isDirectory()).map((e) => e.name);
    for (const e of all) if (e.isFile() && !isImageName(e.name)) skipped.push({ file: path.join(dir, e.name), reason: NOT_IMAGE });
    labelMap = folderLabels(classes);
    const map = labelMap;
    entries = interleave(classes.map((name) => ({ files: imagesUnder(path.join(dir, name), skipped), label: map[name] })));
  } else {
    const all = listDir(dir);
    for (const e of all) if (e.isFile() && !isImageName(e.name)) skipped.push({ file: path.join(dir, e.name), reason: NOT_IMAGE });
    entries = all.filter((e) => e.isFile() && isImageName(e.name)).map((e) => ({ file: path.join(dir, e.name) }));
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

  const wanted = Math.min(opts.count ?? entries.length, entries.length);
  const { size, channels } = opts;
  const decoded = await decodeImages(
    entries.slice(0, wanted).map((e) => e.file),
    { size, channels },
    { badFiles: opts.badFiles ?? 'skip' },
  );
  const good = decoded.flatMap((d, i) => {
    if (d instanceof Float32Array) return [{ pixels: d, label: entries[i].label }];
    skipped.push({ file: entries[i].file, reason: 'unreadable image', detail: d.reason });
    return [];
  });
  if (good.length === 0) {
    throw new DataError(
      `none of its ${wanted} images could be read (e.g. ${skipped.at(-1)?.detail ?? 'unreadable'})`,
      dir,
      'Check the files',
    );
  }
  const perImage = size * size * channels;
  const images = new Float32Array(good.length * perImage);
  const labels = opts.labelsFromFolders ? new Int32Array(good.length) : undefined;
  good.forEach((g, i) => {
    images.set(g.pixels, i * perImage);
    if (labels) labels[i] = g.label!;
  });
  return { images, labels, count: good.length, height: size, width: size, channels, origin: dir, labelMap, skipped };
}
