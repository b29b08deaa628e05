/**
 * Translates planned files: decoded as training decodes (imageDecode), G run on batches of up to
 * BATCH images, each result written as soon as its batch is done. One bad file fails alone.
 */
import { errorCodeOf } from '../../shared/errors';
import type { TranslateResult, TranslateSummary } from '../../shared/translateProtocol';
import { writeModelInput, writeTranslation } from './outputImage';
import type { PlanEntry, PlannedFile } from './outputPlan';
import type { Translator } from './translator';

/** Images per model call: large enough to amortise the call, small enough to keep memory flat. */
export const BATCH = 64;
/** Files decoded or encoded at once (sharp works on its own thread pool). */
const IO_LANES = 4;

const failed = (input: string, e: unknown): TranslateResult => ({
  type: 'translate-failed',
  input,
  code: errorCodeOf(e),
  message: (e as Error).message ?? String(e),
});

/** Runs `fn` over `items` with at most IO_LANES in flight, results in order. */
async function inLanes<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(IO_LANES, items.length) }, lane));
  return out;
}

type Decoded = { file: PlannedFile; pixels?: Float32Array; error?: TranslateResult };

async function decodeBatch(translator: Translator, files: PlannedFile[]): Promise<Decoded[]> {
  return inLanes(files, async (file) => {
    try {
      return { file, pixels: await translator.prepare(file.input) };
    } catch (e) {
      return { file, error: failed(file.input, e) };
    }
  });
}

async function translateBatch(translator: Translator, decoded: Decoded[], scale?: number): Promise<TranslateResult[]> {
  const good = decoded.filter((d) => d.pixels);
  const outputs = await translator.translate(good.map((d) => d.pixels!));
  const byFile = new Map(good.map((d, i) => [d.file, outputs[i]]));
  return inLanes(decoded, async (d): Promise<TranslateResult> => {
    if (d.error) return d.error;
    const { input, output, scaled, modelInput } = d.file;
    try {
      await writeTranslation(byFile.get(d.file)!, translator.target, output, scaled && scale ? { file: scaled, scale } : undefined);
      if (modelInput) await writeModelInput(d.pixels!, translator.source, modelInput);
    } catch (e) {
      return { type: 'translate-failed', input, code: 'OUTPUT_INVALID', message: `${output}: cannot write (${(e as Error).message})` };
    }
    return { type: 'translated', input, output, ...(scaled ? { scaled } : {}), ...(modelInput ? { modelInput } : {}) };
  });
}

/** Translates every planned file, reporting each result in input order; returns the summary. */
export async function translateFiles(
  translator: Translator,
  plan: PlanEntry[],
  opts: { scale?: number; onResult?: (r: TranslateResult) => void },
): Promise<{ results: TranslateResult[]; summary: TranslateSummary }> {
  const started = Date.now();
  const results: TranslateResult[] = [];
  const report = (r: TranslateResult) => {
    results.push(r);
    opts.onResult?.(r);
  };
  const chunks = chunksOf(plan);
  const decodeChunk = (chunk: PlanEntry[]) =>
    decodeBatch(
      translator,
      chunk.flatMap((e) => (e.ok ? [e.file] : [])),
    );
  let next = chunks.length > 0 ? decodeChunk(chunks[0]) : undefined;
  for (let k = 0; k < chunks.length; k++) {
    const decoded = await next!;
    // The next batch decodes (on sharp's threads) while G runs on this one.
    next = k + 1 < chunks.length ? decodeChunk(chunks[k + 1]) : undefined;
    const translated = await translateBatch(translator, decoded, opts.scale);
    let j = 0;
    for (const e of chunks[k]) {
      report(e.ok ? translated[j++] : { type: 'translate-failed', input: e.input, code: e.code, message: e.message });
    }
  }
  return { results, summary: summarise(results, started) };
}

/** Splits the plan into runs holding at most BATCH translatable files (failed entries ride along in order). */
function chunksOf(plan: PlanEntry[]): PlanEntry[][] {
  const chunks: PlanEntry[][] = [[]];
  let planned = 0;
  for (const e of plan) {
    if (e.ok && planned === BATCH) {
      chunks.push([]);
      planned = 0;
    }
    chunks.at(-1)!.push(e);
    if (e.ok) planned++;
  }
  return chunks.filter((c) => c.length > 0);
}

function summarise(results: TranslateResult[], started: number): TranslateSummary {
  const failures = results.flatMap((r) => (r.type === 'translate-failed' ? [{ input: r.input, code: r.code, message: r.message }] : []));
  const seconds = (Date.now() - started) / 1000;
  return { type: 'translate-summary', translated: results.length - failures.length, failed: failures.length, failures, seconds };
}
