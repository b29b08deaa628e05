/**
 * The training loop: steps the DTN over a run folder set up by trainSetup, with hooks that write
 * samples, checkpoints and evaluations, reporting through `emit`.
 */
import { StepRunner } from '../engine/stepRunner';
import { AverageHook } from './hooks/averageHook';
import { convTuningWanted } from '../engine/webgpu/convTune';
import type { EvalSummary } from '../../shared/protocol';
import { beatsBest, CheckpointHook } from './hooks/checkpointHook';
import { createEvalHook } from './hooks/evalHook';
import { assertFiniteLosses } from './hooks/finiteGuard';
import { PlanNote } from './hooks/planNote';
import { SampleHook } from './hooks/sampleHook';
import { chooseSampleSource } from './sampleSource';
import { StepTimer } from './hooks/stepTimer';
import { setUpTraining, type TrainOptions, type TrainSetup } from './trainSetup';

export type { TrainOptions } from './trainSetup';

type Shape = [number, number, number, number];

export interface TrainResult {
  runDir: string;
  step: number;
  reason: 'completed' | 'stopped';
  checkpoint?: string;
}

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const run = await setUpTraining(opts);
  let result: TrainResult;
  try {
    result = await trainLocked(run, opts);
  } finally {
    // Completed, stopped or failed: the folder is free again (run.json says which).
    run.folder.unlock();
  }
  const { reason, step, runDir, checkpoint } = result;
  opts.emit({ type: 'done', reason, step, runDir, checkpoint });
  return result;
}

async function trainLocked(run: TrainSetup, opts: TrainOptions): Promise<TrainResult> {
  const { config, emit } = opts;
  const { folder, info, dtn } = run;
  const t = config.train;
  let step = run.startStep;
  let reason: TrainResult['reason'] = 'completed';
  // Made inside the try: a hook that fails to start still ends the run as failed.
  const owned: { samples?: SampleHook; runner?: StepRunner; evaluation?: { dispose(): void } } = {};
  let checkpoints: CheckpointHook | undefined;
  let failure: { err: unknown } | undefined;
  try {
    const runner = (owned.runner = newStepRunner(run, opts));
    const averaging = dtn.average && new AverageHook(dtn.average, runner);
    // Everything that reads the model first brings its variables (and g's average) up to date.
    const sync = () => {
      runner.sync();
      averaging?.flush();
    };
    const evaluation = (owned.evaluation = await createEvalHook(config, opts.baseDir, { dtn, f: run.f, sync, source: run.source }, emit));
    const samples = (owned.samples = new SampleHook({
      folder,
      dtn,
      arch: config.architecture,
      sample: await chooseSampleSource(config, opts.baseDir, run.source, emit),
      sync,
      emit,
    }));
    const samplers = () => run.data.state();
    checkpoints = new CheckpointHook({
      folder,
      dtn,
      info,
      configHash: run.configHash,
      keep: t.keepCheckpoints,
      samplers,
      sync,
      emit,
      resumed: run.resumedCheckpoint,
    });
    const plan = new PlanNote(run.backend.name, info, emit);
    const timer = new StepTimer(t.batchSize);
    // Losses are checked for NaN on every step where reading them costs nothing (the CPU backends);
    // on a GPU a read waits for the device, so there at log and checkpoint steps (and a checkpoint
    // refuses non-finite weights), and an error says since when the losses were last seen finite.
    const everyStep = readsAreFree(run.backend);
    let finiteAt = step;
    if (step === 0) await samples.write(step);
    while (step < t.steps) {
      await yieldToEventLoop();
      if (opts.shouldStop?.()) {
        reason = 'stopped';
        break;
      }
      await opts.waitWhilePaused?.();
      const { xs, xt } = run.data.next();
      const next = step + 1;
      dtn.scheduleLearningRate(next);
      const evalNow = evaluation?.due(next) ?? false;
      const logNow = next % t.logEvery === 0 || next === t.steps || evalNow;
      const readNow = logNow || everyStep || next % t.checkpointEvery === 0;
      const pending = runner.step(xs, xt, readNow);
      plan.check(runner);
      step = next;
      timer.tick();
      let evaluated: EvalSummary | undefined;
      const loss = await pending;
      averaging?.afterStep();
      if (loss) {
        run.engine.deviceHealth.assertHealthy();
        assertFiniteLosses(loss, step, finiteAt);
        finiteAt = step;
      }
      if (logNow) {
        const record = timer.record(step, loss!);
        if (evalNow) record.eval = evaluated = await evaluation!.run();
        folder.appendMetrics(record);
        emit({ type: 'metrics', record, totalSteps: t.steps });
        timer.restart();
      }
      if (step % t.sampleEvery === 0 || step === t.steps) await samples.write(step);
      // A new best off the checkpoint schedule (eval.every set apart from it) gets a checkpoint of its
      // own, so `best` always names one; an evaluation that does not improve writes none.
      const newBest = evaluated !== undefined && beatsBest(info.best, evaluated.accuracy);
      if (step % t.checkpointEvery === 0 || newBest) await checkpoints.save(step, evaluated);
    }
    // Always end (completed or stopped) on a checkpoint of the last step.
    if (checkpoints.last?.step !== step) await checkpoints.save(step);
    info.status = reason;
  } catch (err) {
    info.status = 'failed';
    info.error = err instanceof Error ? err.message : String(err);
    failure = { err };
  }
  info.updatedAt = new Date().toISOString();
  [owned.samples, owned.runner, dtn, owned.evaluation].forEach((x) => x?.dispose());
  run.f.params.dispose();
  try {
    folder.writeInfo(info);
  } catch (err) {
    // A full disk fails this too: then the run's own error says more.
    if (!failure) throw err;
  }
  if (failure) throw failure.err;
  return { runDir: folder.dir, step, reason, checkpoint: checkpoints!.last!.path };
}

/** Whether reading a step's losses costs no device round trip. */
function readsAreFree(backend: TrainSetup['backend']): boolean {
  return backend.name === 'cpu' || backend.name === 'wasm' || (backend.name === 'tensorflow' && /\(CPU\)/.test(backend.device));
}

/** Runs each step: through tfjs, or on WebGPU by replaying a recorded step (see StepRunner). */
function newStepRunner(run: TrainSetup, opts: TrainOptions): StepRunner {
  const { batchSize } = opts.config.train;
  // As the domains were loaded: the source at f's input size, the target at g's output size.
  const { source, target } = run;
  const xs: Shape = [batchSize, source.height, source.width, source.channels];
  const xt: Shape = [batchSize, target.height, target.width, target.channels];
  const note = (message: string) => opts.emit({ type: 'status', phase: 'backend', message });
  return new StepRunner(run.engine, run.dtn, { xs, xt }, { tuneConvs: convTuningWanted(run.engine), note });
}

/**
 * On the cpu backend every await in a step resolves as a microtask, so without this, stdin commands
 * (stop/pause from the extension) and SIGINT/SIGTERM were only handled after the last step, i.e.
 * Stop and Ctrl-C did nothing during training.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
