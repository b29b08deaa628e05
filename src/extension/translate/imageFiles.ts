/** The images under a folder, as `dtn translate` would find them, grouped into requests for the warm translator. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isImageName, TRANSLATION_OUTPUT } from '../../shared/imageFiles';

/** Image files under `dir` (sorted, sub-folders included; hidden entries and our own outputs skipped). */
export function imagesUnder(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...imagesUnder(p));
    else if (e.isFile() && isImageName(e.name) && !TRANSLATION_OUTPUT.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * Requests of at most `size` files, each from one sub-folder so its outputs land in the mirrored
 * folder under `out`. Small requests are what makes Cancel prompt: none is sent after it.
 */
export function chunkRequests(root: string, files: string[], out: string, size: number): { inputs: string[]; out: string }[] {
  const chunks: { inputs: string[]; out: string }[] = [];
  for (const f of files) {
    const dest = path.join(out, path.relative(root, path.dirname(f)));
    const last = chunks.at(-1);
    if (last && last.out === dest && last.inputs.length < size) last.inputs.push(f);
    else chunks.push({ inputs: [f], out: dest });
  }
  return chunks;
}
