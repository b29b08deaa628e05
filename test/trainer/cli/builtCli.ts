/** The bundled `dtn` CLI the CLI tests run, rebuilt when missing or older than the trainer's sources. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'trainer', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** `npm test` builds first anyway; a single test file run alone must not use a stale bundle. */
export function ensureBuilt(): void {
  const stale =
    !fs.existsSync(CLI) ||
    fs.statSync(CLI).mtimeMs < Math.max(newestMtime(path.join(ROOT, 'src', 'trainer')), newestMtime(path.join(ROOT, 'src', 'shared')));
  if (!stale) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `build failed:\n${r.stdout}\n${r.stderr}`);
}
