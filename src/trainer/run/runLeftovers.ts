/**
 * What a killed trainer leaves in its run folder, and only that: `<file>.tmp-<pid>` of atomic
 * writes (shared/node/atomicWrite.ts), `.step-XXXXXXXX.tmp-*` folders of checkpoint writes
 * (tensorFile.ts), step folders without a manifest (a removal cut short), a lock moved aside in a
 * takeover. Called with the run's lock held, so no trainer is writing; a temporary file whose pid
 * is alive belongs to another command (`dtn eval` writing a report) and stays.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pidAlive } from '../../shared/node/runLock';
import { RUN_FILES, TENSOR_MANIFEST } from '../../shared/node/runLayout';

/** Names of atomically written files in each folder of a run, before their `.tmp-<pid>`. */
const TEMP_FILES: readonly [string, RegExp][] = [
  ['', /^(run\.json|config\.json|metrics\.jsonl|lock\.json)\.(?:tmp|stale)-(\d+)$/],
  [RUN_FILES.samples, /^step-\d{8}\.png\.tmp-(\d+)$/],
  [RUN_FILES.eval, /^step-\d{8}\.(?:json|md)\.tmp-(\d+)$/],
];

function list(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

export function removeLeftovers(runDir: string): string[] {
  const removed: string[] = [];
  const remove = (p: string) => {
    fs.rmSync(p, { recursive: true, force: true });
    removed.push(p);
  };
  for (const [sub, pattern] of TEMP_FILES) {
    const dir = path.join(runDir, sub);
    for (const e of list(dir)) {
      const m = pattern.exec(e.name);
      if (!m || !e.isFile()) continue;
      const pid = Number(m[m.length - 1]);
      if (pid === process.pid || !pidAlive(pid)) remove(path.join(dir, e.name));
    }
  }
  const checkpoints = path.join(runDir, RUN_FILES.checkpoints);
  for (const e of list(checkpoints)) {
    if (!e.isDirectory()) continue;
    const p = path.join(checkpoints, e.name);
    if (/^\.step-\d{8}\.tmp-/.test(e.name)) remove(p);
    else if (/^step-\d{8}$/.test(e.name) && !fs.existsSync(path.join(p, TENSOR_MANIFEST))) remove(p);
  }
  return removed;
}
