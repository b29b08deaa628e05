/** `dtn eval` and `dtn ablate`. */
import type { BackendChoice } from '../../../shared/config';
import { runAblation } from '../../eval/ablate';
import { evaluateCheckpoint, reportMarkdown, writeReport } from '../../eval/evalCheckpoint';
import { createReporter } from '../reporter';
import { resolveConfig, type CommonOpts } from './options';

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
  const result = await runAblation({ config, baseDir, out: opts.out, backend: opts.backend, threads: opts.threads, emit: reporter.emit });
  reporter.finish();
  if (opts.json) process.stdout.write(`${JSON.stringify({ dir: result.dir, rows: result.rows })}\n`);
  else process.stdout.write(`${result.markdown}\nTables written to ${result.dir}/ablation.{md,csv}\n`);
}
