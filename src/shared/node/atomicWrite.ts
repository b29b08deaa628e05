/** Whole-file writes that a concurrent reader (the extension host, a panel) never sees half done. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes `file` through a temporary file and a rename; creates missing folders. */
export function writeFileAtomic(file: string, data: Buffer | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
