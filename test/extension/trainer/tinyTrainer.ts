/** A tiny DTN config and its pretrained encoder in a temp folder, for tests against the real trainer. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(REPO, 'dist', 'trainer', 'cli.js');

export const TINY_CONFIG = {
  extends: 'digits-quick',
  name: 'tiny',
  architecture: { encoderWidths: [4, 8, 8], embeddingSize: 8, generatorWidths: [8, 8, 4], discriminatorWidths: [4, 8, 8] },
  source: { kind: 'synthetic-digits', count: 200 },
  target: { kind: 'mnist-package', count: 200 },
  train: { steps: 6, batchSize: 8, logEvery: 1, sampleEvery: 2, checkpointEvery: 3 },
  encoder: { path: 'encoder', source: { kind: 'synthetic-digits', count: 200 } },
  backend: 'cpu',
};

export interface TinyWorkspace {
  dir: string;
  config: string;
  cleanup(): void;
}

/** Builds the trainer if needed, writes the config and pretrains its encoder (a few seconds). */
export function tinyWorkspace(): TinyWorkspace {
  if (!fs.existsSync(CLI)) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtn-ext-test-'));
  const config = path.join(dir, 'tiny.dtn.json');
  fs.writeFileSync(config, JSON.stringify(TINY_CONFIG, null, 2));
  const r = spawnSync(process.execPath, [CLI, 'pretrain-f', '--config', config, '--steps', '20', '--json'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pretrain-f failed (${r.status}): ${r.stderr}\n${r.stdout}`);
  return { dir, config, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
