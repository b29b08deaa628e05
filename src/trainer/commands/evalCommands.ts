/** `dtn eval`, `dtn ablate` and `dtn bench`. */
import * as path from 'node:path';
import type { BackendChoice } from '../../shared/config';
import { runBench, runTorchAnchor } from '../bench';
import { runAblation } from '../eval/ablate';
import { evaluateCheckpoint, reportMarkdown, writeReport } from '../eval/evalCheckpoint';
import { createReporter } from '../reporter';
import { positiveInt, resolveConfig, type CommonOpts } from './options';

export async function evalCommand(opts: { checkpoint: string; backend?: BackendChoice; json?: boolean }): Promise<void> {
  const report = await evaluateCheckpoint(opts.checkpoint, opts.backend);
  const file = writeReport(report);
  if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${reportMarkdown(report)}\nReport written to ${file}\n`);
}

export async function ablateCommand(opts: CommonOpts & { steps?: number; out?: string }): Promise<void> {
  const reporter = createReporter(Boolean(opts.json));
  const { config, baseDir } = resolveConfig(opts);
  if (opts.steps !== undefined) config.train.steps = opts.steps;
  const result = await runAblation({ config, baseDir, out: opts.out, backend: opts.backend, emit: reporter.emit });
  reporter.finish();
  if (opts.json) process.stdout.write(`${JSON.stringify({ dir: result.dir, rows: result.rows })}\n`);
  else process.stdout.write(`${result.markdown}\nTables written to ${result.dir}/ablation.{md,csv}\n`);
}

export async function benchCommand(opts: CommonOpts & { batch: string; steps: number; warmup: number; anchor?: string; threads?: number }): Promise<void> {
  const { config } = resolveConfig(opts, 'digits');
  const batches = opts.batch.split(',').map((b) => positiveInt('--batch')(b.trim()));
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const results = await runBench({ config, batches, steps: opts.steps, warmup: opts.warmup, backend: opts.backend, print });
  if (!opts.anchor) return;
  for (const r of results) {
    const device = /nvidia|cuda/i.test(r.backend.device) ? 'cuda' : 'cpu';
    const anchor = runTorchAnchor(path.resolve(opts.anchor), device, r.batch, opts.threads);
    if (!anchor) {
      print(`dtn bench: anchor skipped (needs python3 with torch and ${opts.anchor})`);
      return;
    }
    print(anchor.line);
    print(`dtn bench: ratio batch=${r.batch} dtn/torch=${(r.msPerStep / anchor.msPerStep).toFixed(2)}`);
  }
}
