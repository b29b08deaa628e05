/** Listing a data folder the same way on every machine, with errors that name the folder and the spec. */
import * as fs from 'node:fs';
import { DataError } from './imageSet';

/** Plain code-unit order, not locale order, so every machine lists files the same way. */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The visible entries of `dir`, sorted by name; `kind` is the data spec's kind, for the fix. */
export function listDataDir(dir: string, kind: 'image-folder' | 'face-photos', holds: string): fs.Dirent[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.'))
      .sort((a, b) => byName(a.name, b.name));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'folder not found' : code === 'ENOTDIR' ? `is a file, expected a folder of ${holds}` : (e as Error).message;
    throw new DataError(
      why,
      dir,
      `Check the "path" of the ${kind} data spec (relative to the config file's folder; with --preset, to the current folder)`,
    );
  }
}
