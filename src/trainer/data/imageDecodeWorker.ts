/**
 * The worker side of decodeImagesSync: decodes the files it is given with decodeImage, posts the
 * results and wakes the waiting thread. Loaded only inside a worker thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { DataError } from './imageSet';
import { decodeImage, type ImageShape } from './imageDecode';

export interface DecodeJob {
  files: string[];
  shape: ImageShape;
  port: MessagePort;
  /** Int32 [0]: set to 1 once the results are posted. */
  signal: SharedArrayBuffer;
}

/** A failure carries DataError's parts, so the waiting thread throws the same error. */
export type DecodeOutcome = { ok: true; pixels: Float32Array } | { ok: false; reason: string; fix: string };

/** Decodes in order, a few at a time (sharp works on its own thread pool). */
async function decodeAll(files: string[], shape: ImageShape): Promise<DecodeOutcome[]> {
  const out: DecodeOutcome[] = new Array(files.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < files.length; i = next++) {
      try {
        out[i] = { ok: true, pixels: await decodeImage(files[i], shape) };
      } catch (e) {
        if (!(e instanceof DataError)) throw e;
        out[i] = { ok: false, reason: e.reason, fix: e.fix };
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, lane));
  return out;
}

export async function runDecodeJob(job: DecodeJob): Promise<void> {
  let message: { outcomes?: DecodeOutcome[]; failure?: string };
  try {
    message = { outcomes: await decodeAll(job.files, job.shape) };
  } catch (e) {
    message = { failure: (e as Error).stack ?? String(e) };
  }
  const transfer = (message.outcomes ?? []).flatMap((o) => (o.ok ? [o.pixels.buffer as ArrayBuffer] : []));
  job.port.postMessage(message, transfer);
  const flag = new Int32Array(job.signal);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
