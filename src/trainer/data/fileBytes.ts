/** Reads an input file, turning "missing" into a DataError and transparently gunzipping. */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { DataError } from './imageSet';

export function readInputFile(file: string, what: string, fix: string): Buffer {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : (e as Error).message;
    throw new DataError(`${why} (expected ${what})`, file, fix);
  }
  // Detect gzip by its magic bytes rather than the extension: people rename files.
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch (e) {
      throw new DataError(`corrupt gzip data (${(e as Error).message})`, file, `Download the file again; ${fix}`);
    }
  }
  return buf;
}
