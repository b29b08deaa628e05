/**
 * A folder of photos -> an ImageSet of aligned 150 x 150 face crops, and a report of every photo
 * that gave none and why: nothing is dropped silently. Sub-folders are persons (all photos under
 * `alice/` show Alice); a folder without sub-folders is one unlabelled pile.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isImageName } from '../../../shared/imageFiles';
import { DataError, type ImageSet } from '../imageSet';
import { CROP_SIZE } from './alignment';
import type { FaceCache } from './faceCache';
import { chooseFaces, SKIP_REASONS, type FaceChoiceOptions, type SkipReason } from './faceChoice';
import { faceApiDetector, type Box, type FaceDetector } from './faceDetector';
import { facesOfFile } from './facesOfFile';
import { listDataDir } from '../folderListing';

export interface FacePhotoOptions extends FaceChoiceOptions {
  /** Stop once this many crops are collected (photos taken round-robin over persons). */
  count?: number;
  cache?: FaceCache;
  /** Defaults to face-api's. */
  detector?: FaceDetector;
}

export interface FaceSet extends ImageSet {
  /** Per crop: the photo it was cut from, relative to `origin`. */
  files: string[];
  /** Per crop: its detector box in that photo. */
  boxes: Box[];
  /** Per crop: index into personNames, when the folder has one sub-folder per person. */
  persons?: Int32Array;
  personNames?: string[];
}

export interface FaceReport {
  origin: string;
  /** Files found (hidden ones aside). */
  files: number;
  /** Photos that gave at least one crop. */
  used: number;
  crops: number;
  /** Per reason, the photos (relative to origin) that gave no crop. */
  skipped: Record<SkipReason, string[]>;
  /** Photos not opened because `count` crops had been collected. */
  notNeeded: number;
  /** Photos run through the detector. */
  detected: number;
  /** Photos whose result (faces or not) came from the cache. */
  cached: number;
  /** Cache entries found damaged and recomputed. */
  cacheRepaired: number;
  seconds: number;
}

/** One photo to look at; `person` indexes personNames. */
export interface PhotoEntry {
  file: string;
  person?: number;
}

function listDir(dir: string): fs.Dirent[] {
  return listDataDir(dir, 'face-photos', 'photos');
}

function filesUnder(dir: string): string[] {
  return listDir(dir).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** The folder's files, as persons (sub-folders) when it has sub-folders. */
export function listFacePhotos(dir: string): { files: string[]; persons?: { name: string; files: string[] }[] } {
  const entries = listDir(dir);
  const folders = entries.filter((e) => e.isDirectory());
  const loose = entries.filter((e) => e.isFile()).map((e) => path.join(dir, e.name));
  if (folders.length === 0) return { files: loose };
  const stray = loose.find((f) => isImageName(f));
  if (stray) {
    throw new DataError(
      `has person sub-folders and also photos directly inside it (e.g. ${path.basename(stray)}), which belong to no person`,
      dir,
      'Move each photo into the sub-folder of the person it shows, or point "path" at a folder without sub-folders',
    );
  }
  const persons = folders.map((e) => ({ name: e.name, files: filesUnder(path.join(dir, e.name)) }));
  return { files: [...loose, ...persons.flatMap((p) => p.files)], persons };
}

/** Round-robin over persons so that any prefix (`count`) is balanced. */
function interleave(perPerson: string[][]): PhotoEntry[] {
  const out: PhotoEntry[] = [];
  const longest = Math.max(0, ...perPerson.map((p) => p.length));
  for (let i = 0; i < longest; i++) perPerson.forEach((files, person) => i < files.length && out.push({ file: files[i], person }));
  return out;
}

/** Loads a folder (see listFacePhotos). */
export async function loadFacePhotos(dir: string, opts: FacePhotoOptions): Promise<{ set: FaceSet; report: FaceReport }> {
  const { files, persons } = listFacePhotos(dir);
  const photos = files.filter((f) => isImageName(f));
  const entries = persons ? interleave(persons.map((p) => p.files.filter((f) => isImageName(f)))) : photos.map((file) => ({ file }));
  const others = files.filter((f) => !isImageName(f));
  return loadFaceFiles(entries, dir, opts, { personNames: persons?.map((p) => p.name), notImages: others });
}

const emptySkips = () => Object.fromEntries(SKIP_REASONS.map((r) => [r, []])) as unknown as Record<SkipReason, string[]>;

/**
 * Loads the given photos in order. `origin` names the set and is what file names in the report
 * and in FaceSet.files are relative to; `notImages` are files already known not to be photos.
 */
export async function loadFaceFiles(
  entries: readonly PhotoEntry[],
  origin: string,
  opts: FacePhotoOptions,
  extra: { personNames?: string[]; notImages?: readonly string[] } = {},
): Promise<{ set: FaceSet; report: FaceReport }> {
  const started = Date.now();
  const detector = opts.detector ?? faceApiDetector();
  const name = (f: string) => path.relative(origin, f) || path.basename(f);
  const report: FaceReport = {
    origin,
    files: entries.length + (extra.notImages?.length ?? 0),
    used: 0,
    crops: 0,
    skipped: emptySkips(),
    notNeeded: 0,
    detected: 0,
    cached: 0,
    cacheRepaired: 0,
    seconds: 0,
  };
  report.skipped['not-an-image'].push(...(extra.notImages ?? []).map(name));
  const crops: Buffer[] = [];
  const files: string[] = [];
  const boxes: Box[] = [];
  const persons: number[] = [];
  const repairedBefore = opts.cache?.corrupt ?? 0;
  for (const [i, entry] of entries.entries()) {
    if (opts.count !== undefined && crops.length >= opts.count) {
      report.notNeeded = entries.length - i;
      break;
    }
    const { result, cached } = await facesOfFile(entry.file, { detector, cache: opts.cache });
    if (cached) report.cached++;
    else if (result.outcome === 'faces') report.detected++;
    const choice = chooseFaces(result, opts);
    if ('skip' in choice) {
      report.skipped[choice.skip].push(name(entry.file));
      continue;
    }
    report.used++;
    for (const face of choice.faces.slice(0, opts.count === undefined ? undefined : opts.count - crops.length)) {
      crops.push(face.crop);
      files.push(name(entry.file));
      boxes.push(face.box);
      persons.push(entry.person ?? -1);
    }
  }
  report.crops = crops.length;
  report.cacheRepaired = (opts.cache?.corrupt ?? 0) - repairedBefore;
  report.seconds = (Date.now() - started) / 1000;
  if (crops.length === 0) {
    throw new DataError(
      `no usable face in ${entries.length} photo(s) (${describeSkips(report)})`,
      origin,
      `Use photos that each show a clearly visible face of at least ${opts.minFaceSize} px, or lower minFaceSize`,
    );
  }

  const per = CROP_SIZE * CROP_SIZE * 3;
  const images = new Float32Array(crops.length * per);
  crops.forEach((crop, i) => {
    for (let k = 0; k < per; k++) images[i * per + k] = crop[k] / 127.5 - 1;
  });
  const set: FaceSet = { images, count: crops.length, height: CROP_SIZE, width: CROP_SIZE, channels: 3, origin, files, boxes };
  if (extra.personNames) {
    set.persons = Int32Array.from(persons);
    set.personNames = extra.personNames;
  }
  return { set, report };
}

const REASON_TEXT: Record<SkipReason, string> = {
  'no-face': 'no face',
  'several-faces': 'several faces',
  'face-too-small': 'face too small',
  unreadable: 'unreadable',
  'not-an-image': 'not an image',
};

/** "3 no face (a.jpg, b.jpg, c.jpg), 1 unreadable (d.jpg)": at most `names` file names per reason. */
function describeSkips(report: FaceReport, names = 5): string {
  const parts = SKIP_REASONS.filter((r) => report.skipped[r].length > 0).map((r) => {
    const list = report.skipped[r];
    const more = list.length > names ? `, +${list.length - names} more` : '';
    return `${list.length} ${REASON_TEXT[r]} (${list.slice(0, names).join(', ')}${more})`;
  });
  return parts.join(', ') || 'none skipped';
}

export const skippedCount = (report: FaceReport): number => SKIP_REASONS.reduce((n, r) => n + report.skipped[r].length, 0);

/** One line for the trainer's warnings: counts, the skipped photos by reason, the cache's share. */
export function describeFaceReport(report: FaceReport): string {
  const skipped = skippedCount(report);
  const parts = [`${report.origin}: ${report.files} files, ${report.used} used (${report.crops} face crops)`];
  if (skipped > 0) parts.push(`${skipped} skipped: ${describeSkips(report)}`);
  if (report.notNeeded > 0) parts.push(`${report.notNeeded} not opened (count reached)`);
  parts.push(`${report.detected} detected, ${report.cached} from the cache, ${report.seconds.toFixed(1)} s`);
  if (report.cacheRepaired > 0) parts.push(`${report.cacheRepaired} damaged cache entries recomputed`);
  return parts.join('; ');
}
