/** Whole-file and whole-folder writes that a concurrent reader (the extension host, a panel) never sees half done. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes `file` through a temporary file and a rename; creates missing folders. */
export function writeFileAtomic(file: string, data: Buffer | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Writes `fill(tmp)` into a temporary sibling of `out`, then swaps it into place (replacing what
 * was there); on failure the temporary folder is removed and `out` is left as it was.
 */
export async function writeFolderAtomically(out: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(out);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(out)}.tmp-`));
  try {
    await fill(tmp);
    if (fs.existsSync(out)) {
      const old = `${tmp}-old`;
      fs.renameSync(out, old);
      fs.renameSync(tmp, out);
      fs.rmSync(old, { recursive: true, force: true });
    } else fs.renameSync(tmp, out);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
