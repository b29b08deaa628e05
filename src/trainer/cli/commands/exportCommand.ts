/** `dtn export`: a checkpoint as a self-contained folder (weights, TensorFlow.js model, MODEL.md). */
import * as path from 'node:path';
import type { BackendChoice } from '../../../shared/config';
import { EXPORT_FILES } from '../../export/exportLayout';
import { exportModel } from '../../export/exportModel';
import { createReporter } from '../reporter';

export interface ExportOpts {
  checkpoint: string;
  out: string;
  force?: boolean;
  backend?: BackendChoice;
  json?: boolean;
}

/** With --json: `status` messages, then one `{ "type": "exported", … }` line a host reads the folder from. */
export async function exportCommand(opts: ExportOpts): Promise<void> {
  const reporter = createReporter(Boolean(opts.json));
  const { dir, manifest } = await exportModel({
    ...opts,
    onStatus: (message) => reporter.emit({ type: 'status', phase: 'export', message }),
  });
  reporter.finish();
  const modelCard = path.join(dir, EXPORT_FILES.modelCard);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ type: 'exported', dir, step: manifest.step, checkpoint: manifest.checkpoint, modelCard })}\n`);
  } else {
    process.stderr.write(
      `\nExported step ${manifest.step} of ${manifest.runId} to ${dir}\n` +
        `  model card:       ${modelCard}\n  TensorFlow.js:    ${path.join(dir, EXPORT_FILES.tfjsModel)}\n` +
        `  translate with:   dtn translate --checkpoint ${dir} <images> --out <dir>\n`,
    );
  }
}
