/** Checkpoints of a run: save, keep the newest few and the best, and record the step (and best) in run.json. */
import { checkpointRelPath } from '../../../shared/node/runLayout';
import type { EvalSummary, TrainerMessage } from '../../../shared/protocol';
import type { BestCheckpoint, RunInfo } from '../../../shared/runInfo';
import type { Dtn } from '../../dtn/dtn';
import type { RunFolder } from '../runFolder';

export class CheckpointHook {
  /** The step and folder of the newest checkpoint this hook wrote. */
  last?: { step: number; path: string };

  constructor(
    private readonly deps: {
      folder: RunFolder;
      dtn: Dtn;
      /** The run's info: its lastStep and updatedAt change with each checkpoint. */
      info: RunInfo;
      configHash: string;
      keep: number;
      /** The data samplers' states at the moment of the save (resume continues from them). */
      samplers: () => Record<string, unknown>;
      /** Brings the model's variables up to date first (replayed steps write them lazily). */
      sync: () => void;
      emit: (msg: TrainerMessage) => void;
      /** The checkpoint the run resumed from, which counts as written. */
      resumed?: { step: number; path: string };
    },
  ) {
    this.last = deps.resumed;
  }

  /** Saves the checkpoint of `step`; `evaluation` (of this step) makes it the best when it beats the best. */
  async save(step: number, evaluation?: EvalSummary): Promise<string> {
    const { folder, info } = this.deps;
    this.deps.sync();
    const dir = await folder.saveCheckpoint(this.deps.dtn, { step, configHash: this.deps.configHash, samplers: this.deps.samplers() });
    if (evaluation && beatsBest(info.best, evaluation.accuracy)) {
      info.best = { step, accuracy: evaluation.accuracy, checkpoint: checkpointRelPath(step) };
    }
    folder.pruneCheckpoints(this.deps.keep, info.best ? [info.best.step] : []);
    info.lastStep = step;
    info.updatedAt = new Date().toISOString();
    folder.writeInfo(info);
    this.deps.emit({ type: 'checkpoint', step, path: dir });
    this.last = { step, path: dir };
    return dir;
  }
}

/** Whether an evaluation scoring `accuracy` becomes the run's best (a tie keeps the earlier checkpoint). */
export function beatsBest(best: BestCheckpoint | undefined, accuracy: number): boolean {
  return best === undefined || accuracy > best.accuracy;
}
