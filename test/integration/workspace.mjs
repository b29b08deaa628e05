// The workspace the integration suite and the end-to-end test open: a small digits config (about
// 0.3 s/step on 2 cores) and its pretrained encoder f, made with the given trainer CLI.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CONFIG_FILE = 'e2e.dtn.json';

export const config = {
  extends: 'digits-quick',
  name: 'e2e',
  backend: 'cpu',
  architecture: { encoderWidths: [8, 16, 16], embeddingSize: 16, generatorWidths: [16, 16, 8], discriminatorWidths: [8, 16, 16] },
  source: { kind: 'synthetic-digits', count: 400 },
  target: { kind: 'mnist-package', count: 400 },
  train: { steps: 400, batchSize: 16, logEvery: 1, sampleEvery: 5, checkpointEvery: 50 },
};

/** Runs the trainer CLI `cli` in `cwd`; throws with its stderr when it fails. */
export function dtn(cli, cwd, args) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dtn ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-800)}`);
  return r;
}

/** Writes the config into `dir` (created) and pretrains its encoder there. */
export function makeWorkspace(cli, dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, CONFIG_FILE), JSON.stringify(config, null, 2));
  dtn(cli, dir, ['pretrain-f', '--config', CONFIG_FILE, '--steps', '60']);
  return dir;
}
