/**
 * `dtn`: the headless trainer. The same program the extension spawns (with --json, one protocol
 * message per stdout line; `stop`/`pause`/`resume` commands on stdin).
 */
import { Command } from 'commander';
import { action } from './commands/action';
import { defineBench } from './commands/benchCommand';
import { ablateCommand, evalCommand } from './commands/evalCommands';
import { backendOption, positiveInt, withConfigOptions } from './commands/options';
import { demoCommand, pretrainCommand, trainClassifierCommand, trainCommand } from './commands/trainCommands';

const program = new Command('dtn').description('Domain Transfer Network trainer (Taigman, Polyak & Wolf, ICLR 2017)').showHelpAfterError();

withConfigOptions(
  program.command('train').description('train a DTN and write a run folder (config.json, run.json, metrics.jsonl, samples/, checkpoints/)'),
)
  .option('--run-dir <dir>', 'run folder (default .dtn/runs/<id>)')
  .option('--steps <n>', 'total steps to train to', positiveInt('--steps'))
  .option('--sample-every <n>', 'steps between sample grids (overrides train.sampleEvery)', positiveInt('--sample-every'))
  .option('--resume <dir>', 'continue from a checkpoint folder (or a run folder: its newest checkpoint)')
  .action(action(trainCommand));

withConfigOptions(program.command('pretrain-f').description('pretrain the encoder f as a digit classifier on labelled source images'))
  .option('--out <dir>', 'encoder folder (default .dtn/encoders/<config name>)')
  .option('--steps <n>', 'training steps', positiveInt('--steps'))
  .action(action(pretrainCommand));

withConfigOptions(
  program
    .command('train-classifier')
    .description('train the target-domain classifier that scores translations (once; reused by eval and training)'),
)
  .option('--out <dir>', 'classifier folder (default .dtn/classifiers/<config name>)')
  .option('--steps <n>', 'training steps', positiveInt('--steps'))
  .action(action(trainClassifierCommand));

program
  .command('eval')
  .description('translation accuracy, confusion matrix and f-constancy of a checkpoint')
  .requiredOption('--checkpoint <dir>', 'a checkpoint folder, or a run folder (its newest checkpoint)')
  .addOption(backendOption())
  .option('--json', 'print the report as JSON')
  .action(action(evalCommand));

withConfigOptions(
  program.command('ablate').description("the paper's ablation: the same seed and steps without L_TID, L_CONST, L_GANG+L_D, L_CONST+L_TID"),
)
  .option('--steps <n>', 'steps per variant', positiveInt('--steps'))
  .option('--out <dir>', 'ablation folder (default .dtn/ablations/<id>)')
  .action(action(ablateCommand));

defineBench(program.command('bench'));

program
  .command('demo')
  .description('pretrain f and the MNIST classifier if needed, then train the digits-quick preset on the bundled data')
  .option('--steps <n>', 'override the number of DTN steps', positiveInt('--steps'))
  .option('--run-dir <dir>', 'run folder')
  .addOption(backendOption())
  .action(action(demoCommand));

// Each command's action reports its own errors and exits (action.ts); commander exits on usage errors.
void program.parseAsync(process.argv);
