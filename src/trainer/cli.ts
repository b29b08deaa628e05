/**
 * `dtn`: the headless trainer. The same program the extension spawns (with --json, one protocol
 * message per stdout line; `stop`/`pause`/`resume` commands on stdin).
 */
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKENDS, ConfigError, type BackendChoice } from '../shared/config';
import { PRESET_NAMES } from '../shared/presets';
import { parseHostLine, type TrainerMessage } from '../shared/protocol';
import { presetConfig, readConfigFile, type ResolvedConfig } from './configFile';
import { DataError } from './data/imageSet';
import { encoderExists } from './encoderStore';
import { pretrainEncoder } from './pretrain';
import { createReporter, type Reporter } from './reporter';
import { runBench, runTorchAnchor } from './bench';
import { initBackend } from './backend';
import { loadDataSpec } from './data/loadDataSpec';
import { runAblation } from './eval/ablate';
import { classifierArchitecture, classifierExists, defaultClassifierDir, saveClassifier, trainClassifier } from './eval/classifier';
import { evaluateCheckpoint, reportMarkdown, writeReport } from './eval/evalCheckpoint';
import { RUN_FILES } from '../shared/runLayout';
import { readMetrics, readRunInfo } from './runDir';
import { defaultEncoderDir, resolveResume, train, type TrainResult } from './train';

function int(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    return n;
  };
}

interface CommonOpts {
  preset?: string;
  config?: string;
  backend?: BackendChoice;
  json?: boolean;
  seed?: number;
}

function resolve(opts: CommonOpts, fallbackPreset?: string): ResolvedConfig {
  if (opts.preset && opts.config) throw new ConfigError('pass either --preset or --config, not both', undefined, []);
  const resolved = opts.config ? readConfigFile(opts.config) : opts.preset || fallbackPreset ? presetConfig((opts.preset ?? fallbackPreset)!) : undefined;
  if (!resolved) throw new ConfigError(`choose a configuration: --preset ${PRESET_NAMES.join('|')} or --config <file.dtn.json>`, undefined, []);
  if (opts.seed !== undefined) resolved.config.seed = opts.seed;
  return resolved;
}

/** Ctrl-C / SIGTERM / a `stop` line on stdin: finish the step, checkpoint, exit. A second Ctrl-C exits now. */
function stopControls(reporter: Reporter, listenStdin: boolean) {
  let stop = false;
  let paused: (() => void) | undefined;
  let pausePromise: Promise<void> | undefined;
  const requestStop = () => {
    if (stop) process.exit(130);
    stop = true;
    paused?.();
    reporter.note('stopping: writing a checkpoint after this step');
  };
  process.on('SIGINT', requestStop);
  process.on('SIGTERM', requestStop);
  if (listenStdin) {
    const rl = readline.createInterface({ input: process.stdin });
    rl.on('line', (line) => {
      const cmd = parseHostLine(line);
      if (!cmd) return reporter.emit({ type: 'warning', message: `ignored malformed command on stdin: ${line.slice(0, 80)}` });
      if (cmd.type === 'stop') requestStop();
      if (cmd.type === 'pause' && !pausePromise) pausePromise = new Promise((r) => (paused = r));
      if (cmd.type === 'resume') {
        paused?.();
        paused = undefined;
        pausePromise = undefined;
      }
    });
    // Host gone (stdin closed): stop cleanly rather than train orphaned.
    rl.on('close', () => {
      if (!stop) requestStop();
    });
  }
  return { shouldStop: () => stop, waitWhilePaused: async () => pausePromise };
}

/** `--resume` alone: train on with the config the run was started with. */
function configOfRun(resume: string): ResolvedConfig {
  const { runDir } = resolveResume(resume);
  const resolved = readConfigFile(path.join(runDir, RUN_FILES.config));
  return { ...resolved, baseDir: readRunInfo(runDir)?.baseDir ?? process.cwd() };
}

async function runTrain(opts: CommonOpts & { runDir?: string; steps?: number; resume?: string }): Promise<TrainResult> {
  const reporter = createReporter(Boolean(opts.json));
  const resolved = !opts.preset && !opts.config && opts.resume ? configOfRun(opts.resume) : resolve(opts);
  if (opts.steps !== undefined) resolved.config.train.steps = opts.steps;
  const controls = stopControls(reporter, Boolean(opts.json) && !process.stdin.isTTY);
  const result = await train({ ...resolved, runDir: opts.runDir, resume: opts.resume, backend: opts.backend, emit: reporter.emit, ...controls });
  reporter.finish();
  if (!opts.json) {
    process.stderr.write(`\nRun ${result.reason} at step ${result.step}.\n  run folder: ${result.runDir}\n  samples:    ${path.join(result.runDir, 'samples')}\n  checkpoint: ${result.checkpoint}\n`);
  }
  return result;
}

async function runPretrain(opts: CommonOpts & { out?: string; steps?: number }): Promise<void> {
  const reporter = createReporter(Boolean(opts.json));
  const resolved = resolve(opts);
  const result = await pretrainEncoder({
    ...resolved,
    out: opts.out && path.resolve(opts.out),
    steps: opts.steps,
    backend: opts.backend,
    emit: reporter.emit,
    onProgress: (step, total, loss) => reporter.progress('pretrain f', step, total, `loss ${loss.toFixed(3)}`),
  });
  reporter.finish();
  reporter.emit({ type: 'status', phase: 'pretrain-f', message: `encoder saved to ${result.dir} (held-out accuracy ${(result.heldOutAccuracy * 100).toFixed(1)}%)` });
}

/** pretrain-f and train-classifier once (skipped when their folders exist), then train digits-quick. */
async function runDemo(opts: { backend?: BackendChoice; steps?: number; runDir?: string }): Promise<void> {
  const reporter = createReporter(false);
  const started = Date.now();
  const { config, baseDir } = presetConfig('digits-quick');
  const encoderDir = defaultEncoderDir(config, baseDir);
  if (!encoderExists(encoderDir)) {
    reporter.note('step 1/3: pretraining f, the digit encoder, on synthetic street digits');
    await runPretrain({ preset: 'digits-quick', backend: opts.backend });
  } else reporter.note(`step 1/3: using the encoder in ${encoderDir}`);
  const classifierDir = defaultClassifierDir(config, baseDir);
  if (!classifierExists(classifierDir)) {
    reporter.note('step 2/3: training the MNIST classifier that scores translations');
    await runTrainClassifier({ preset: 'digits-quick', backend: opts.backend });
  } else reporter.note(`step 2/3: using the classifier in ${classifierDir}`);
  reporter.note('step 3/3: training the DTN (synthetic street digits -> MNIST)');
  const result = await runTrain({ preset: 'digits-quick', backend: opts.backend, steps: opts.steps, runDir: opts.runDir });
  const evaluated = readMetrics(result.runDir).filter((r) => r.eval);
  const last = evaluated.at(-1);
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  process.stderr.write(
    `\nDemo finished in ${minutes} min.${last?.eval ? ` Translation accuracy at step ${last.step}: ${(last.eval.accuracy * 100).toFixed(1)}% of ${last.eval.count} held-out street digits are read as their own digit by the MNIST classifier.` : ''}\n` +
      `Open the sample grids (source row above its translation): ${path.join(result.runDir, RUN_FILES.samples)}\n`,
  );
}

async function runTrainClassifier(opts: CommonOpts & { out?: string; steps?: number }): Promise<void> {
  const reporter = createReporter(Boolean(opts.json));
  const { config, baseDir } = resolve(opts);
  const backend = await initBackend(opts.backend ?? config.backend);
  reporter.emit({ type: 'status', phase: 'backend', message: `${backend.name} on ${backend.device}` });
  const arch = classifierArchitecture(config);
  reporter.emit({ type: 'status', phase: 'data', message: 'loading labelled target images' });
  const data = loadDataSpec(config.target, { baseDir, size: arch.imageSize, channels: arch.sourceChannels, seed: config.seed });
  const steps = opts.steps ?? config.eval.classifier.steps;
  const trained = await trainClassifier(data, arch, {
    steps,
    seed: config.seed,
    onProgress: (step, total, loss) => reporter.progress('train classifier', step, total, `loss ${loss.toFixed(3)}`),
  });
  reporter.finish();
  const dir = opts.out ? path.resolve(opts.out) : defaultClassifierDir(config, baseDir);
  await saveClassifier(dir, trained.model, { trainedOn: data.origin, steps, testAccuracy: trained.testAccuracy, testCount: trained.testCount });
  reporter.emit({
    type: 'status',
    phase: 'train-classifier',
    message: `classifier saved to ${dir} (accuracy on ${trained.testCount} held-out target images: ${(trained.testAccuracy * 100).toFixed(2)}%)`,
  });
}

async function runEval(opts: { checkpoint: string; backend?: BackendChoice; json?: boolean }): Promise<void> {
  const report = await evaluateCheckpoint(opts.checkpoint, opts.backend);
  const file = writeReport(report);
  if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${reportMarkdown(report)}\nReport written to ${file}\n`);
}

async function runAblate(opts: CommonOpts & { steps?: number; out?: string }): Promise<void> {
  const reporter = createReporter(Boolean(opts.json));
  const { config, baseDir } = resolve(opts);
  if (opts.steps !== undefined) config.train.steps = opts.steps;
  const result = await runAblation({ config, baseDir, out: opts.out, backend: opts.backend, emit: reporter.emit });
  reporter.finish();
  if (opts.json) process.stdout.write(`${JSON.stringify({ dir: result.dir, rows: result.rows })}\n`);
  else process.stdout.write(`${result.markdown}\nTables written to ${result.dir}/ablation.{md,csv}\n`);
}

async function runBenchCommand(opts: CommonOpts & { batch: string; steps: number; warmup: number; anchor?: string; threads?: number }): Promise<void> {
  const { config } = resolve(opts, 'digits');
  const batches = opts.batch.split(',').map((b) => int('--batch')(b.trim()));
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const results = await runBench({ config, batches, steps: opts.steps, warmup: opts.warmup, backend: opts.backend, print });
  if (!opts.anchor) return;
  for (const r of results) {
    const device = r.backend.name === 'cpu' || !/nvidia|cuda/i.test(r.backend.device) ? 'cpu' : 'cuda';
    const anchor = runTorchAnchor(path.resolve(opts.anchor), device, r.batch, opts.threads);
    if (!anchor) {
      print(`dtn bench: anchor skipped (needs python3 with torch and ${opts.anchor})`);
      return;
    }
    print(anchor.line);
    print(`dtn bench: ratio batch=${r.batch} dtn/torch=${(r.msPerStep / anchor.msPerStep).toFixed(2)}`);
  }
}

function describeError(err: unknown): TrainerMessage & { type: 'error' } {
  if (err instanceof ConfigError) return { type: 'error', message: err.message, file: err.file, fix: 'Fix the fields named above.' };
  if (err instanceof DataError) return { type: 'error', message: err.message, file: err.file, fix: err.fix };
  const e = err as { message?: string; fix?: string; file?: string; dir?: string };
  return { type: 'error', message: e?.message ?? String(err), fix: e?.fix, file: e?.file ?? e?.dir };
}

function action<T>(fn: (opts: T) => Promise<unknown>) {
  return async (opts: T & { json?: boolean }) => {
    try {
      await fn(opts);
      process.exit(0);
    } catch (err) {
      const msg = describeError(err);
      if (opts.json) process.stdout.write(`${JSON.stringify(msg)}\n`);
      process.stderr.write(`\ndtn: error: ${msg.message}\n`);
      if (process.env.DTN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exit(1);
    }
  };
}

const backendOption = () => new Option('--backend <name>', 'compute backend').choices(BACKENDS);

const program = new Command('dtn')
  .description('Domain Transfer Network trainer (Taigman, Polyak & Wolf, ICLR 2017)')
  .showHelpAfterError();

program
  .command('train')
  .description('train a DTN and write a run folder (config.json, run.json, metrics.jsonl, samples/, checkpoints/)')
  .addOption(new Option('--preset <name>', 'built-in configuration').choices(PRESET_NAMES))
  .option('--config <file>', 'a *.dtn.json configuration file')
  .option('--run-dir <dir>', 'run folder (default .dtn/runs/<id>)')
  .option('--steps <n>', 'total steps to train to', int('--steps'))
  .option('--seed <n>', 'override the config seed', int('--seed'))
  .option('--resume <dir>', 'continue from a checkpoint folder (or a run folder: its newest checkpoint)')
  .addOption(backendOption())
  .option('--json', 'one protocol message per stdout line (for tools)')
  .action(action(runTrain));

program
  .command('pretrain-f')
  .description('pretrain the encoder f as a digit classifier on labelled source images')
  .addOption(new Option('--preset <name>', 'built-in configuration').choices(PRESET_NAMES))
  .option('--config <file>', 'a *.dtn.json configuration file')
  .option('--out <dir>', 'encoder folder (default .dtn/encoders/<config name>)')
  .option('--steps <n>', 'training steps', int('--steps'))
  .option('--seed <n>', 'override the config seed', int('--seed'))
  .addOption(backendOption())
  .option('--json', 'one protocol message per stdout line')
  .action(action(runPretrain));

program
  .command('train-classifier')
  .description('train the target-domain classifier that scores translations (once; reused by eval and training)')
  .addOption(new Option('--preset <name>', 'built-in configuration').choices(PRESET_NAMES))
  .option('--config <file>', 'a *.dtn.json configuration file')
  .option('--out <dir>', 'classifier folder (default .dtn/classifiers/<config name>)')
  .option('--steps <n>', 'training steps', int('--steps'))
  .option('--seed <n>', 'override the config seed', int('--seed'))
  .addOption(backendOption())
  .option('--json', 'one protocol message per stdout line')
  .action(action(runTrainClassifier));

program
  .command('eval')
  .description('translation accuracy, confusion matrix and f-constancy of a checkpoint')
  .requiredOption('--checkpoint <dir>', 'a checkpoint folder, or a run folder (its newest checkpoint)')
  .addOption(backendOption())
  .option('--json', 'print the report as JSON')
  .action(action(runEval));

program
  .command('ablate')
  .description("the paper's ablation: the same seed and steps without L_TID, L_CONST, L_GANG+L_D, L_CONST+L_TID")
  .addOption(new Option('--preset <name>', 'built-in configuration').choices(PRESET_NAMES))
  .option('--config <file>', 'a *.dtn.json configuration file')
  .option('--steps <n>', 'steps per variant', int('--steps'))
  .option('--seed <n>', 'override the config seed', int('--seed'))
  .option('--out <dir>', 'ablation folder (default .dtn/ablations/<id>)')
  .addOption(backendOption())
  .option('--json', 'one protocol message per stdout line')
  .action(action(runAblate));

program
  .command('bench')
  .description("time the trainer's DTN step per batch size (after warm-up) and report tensor memory")
  .addOption(new Option('--preset <name>', 'built-in configuration (default digits)').choices(PRESET_NAMES))
  .option('--config <file>', 'a *.dtn.json configuration file')
  .option('--batch <list>', 'comma-separated batch sizes', '64')
  .option('--steps <n>', 'timed steps per batch size', int('--steps'), 10)
  .option('--warmup <n>', 'untimed steps first', int('--warmup'), 2)
  .option('--anchor <file>', 'also run this PyTorch anchor (torch_dtn_bench.py) and print the ratio')
  .option('--threads <n>', 'threads for the PyTorch anchor on CPU', int('--threads'))
  .addOption(backendOption())
  .action(action(runBenchCommand));

program
  .command('demo')
  .description('pretrain f if needed, then train the digits-quick preset on the bundled data')
  .option('--steps <n>', 'override the number of DTN steps', int('--steps'))
  .option('--run-dir <dir>', 'run folder')
  .addOption(backendOption())
  .action(action(runDemo));

program.parseAsync(process.argv);
