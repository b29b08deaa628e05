/** `dtn translate` (files and folders through a trained G) and `dtn serve` (the same, kept warm). */
import type { BackendChoice } from '../../../shared/config';
import type { ServeResponse, TranslateLine, TranslateResult } from '../../../shared/translateProtocol';
import { planOutputs } from '../../translate/outputPlan';
import { serve } from '../../translate/serve';
import { translateFiles } from '../../translate/translateFiles';
import { loadTranslator } from '../../translate/translator';

export interface TranslateOpts {
  checkpoint: string;
  out: string;
  scale?: number;
  backend?: BackendChoice;
  json?: boolean;
}

const writeLine = (msg: TranslateLine | ServeResponse) => process.stdout.write(`${JSON.stringify(msg)}\n`);

function describe(r: TranslateResult): string {
  return r.type === 'translated' ? `${r.input} -> ${r.output}${r.scaled ? ` (+ ${r.scaled})` : ''}` : `FAILED ${r.message}`;
}

/** Exit code 1 when any file failed: scripts must notice a partial batch. */
export async function translateCommand(inputs: string[], opts: TranslateOpts): Promise<number> {
  process.stdout.on('error', () => undefined);
  const plan = planOutputs(inputs, opts.out, opts.scale);
  const translator = await loadTranslator(opts.checkpoint, opts.backend);
  if (!opts.json) process.stderr.write(`dtn translate: ${translator.checkpoint} (step ${translator.step}) on ${translator.backend.name}\n`);
  try {
    const { summary } = await translateFiles(translator, plan, {
      scale: opts.scale,
      onResult: (r) => (opts.json ? writeLine(r) : process.stdout.write(`${describe(r)}\n`)),
    });
    if (opts.json) writeLine(summary);
    else {
      const reasons = summary.failures.map((f) => `\n  ${f.message}`).join('');
      const counts = `${summary.translated} file(s), ${summary.failed} failed, in ${summary.seconds.toFixed(2)} s`;
      process.stderr.write(`Translated ${counts}.${reasons}\n`);
    }
    return summary.failed > 0 ? 1 : 0;
  } finally {
    translator.dispose();
  }
}

/** Always NDJSON: `ready` once loaded, then one response per request. */
export async function serveCommand(opts: { checkpoint: string; backend?: BackendChoice }): Promise<void> {
  process.stdout.on('error', () => undefined);
  const translator = await loadTranslator(opts.checkpoint, opts.backend);
  const { checkpoint, step, backend } = translator;
  writeLine({ type: 'ready', checkpoint, step, backend: backend.name, device: backend.device });
  try {
    await serve(translator, process.stdin, writeLine);
  } finally {
    translator.dispose();
  }
}
