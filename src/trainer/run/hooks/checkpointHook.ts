/** Checkpoints of a run: save, keep the newest few, and record the step in run.json. */
import type { TrainerMessage } from '../../../shared/protocol';
import type { RunInfo } from '../../../shared/runInfo';
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
    },
  ) {}

  async save(step: number): Promise<string> {
    const { folder, info } = this.deps;
    this.deps.sync();
    const dir = await folder.saveCheckpoint(this.deps.dtn, { step, configHash: this.deps.configHash, samplers: this.deps.samplers() });
    folder.pruneCheckpoints(this.deps.keep);
    info.lastStep = step;
    info.updatedAt = new Date().toISOString();
    folder.writeInfo(info);
    this.deps.emit({ type: 'checkpoint', step, path: dir });
    this.last = { step, path: dir };
    return dir;
  }
}
