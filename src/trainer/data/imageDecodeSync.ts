/**
 * decodeImage for synchronous callers. loadDataSpec (and the training run's evaluation set-up that
 * calls it) is synchronous, while sharp only decodes asynchronously: the files are decoded by the
 * very same decodeImage in a worker thread while this thread waits on an Atomics flag.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { DecodeOutcome } from './imageDecodeWorker';
import type { ImageShape } from './imageDecode';

/** The bundle ships the worker as dist/trainer/imageDecodeWorker.js; from source (tests) it runs under tsx. */
function workerEntry(): { entry: string; execArgv: string[] } {
  const js = path.join(__dirname, 'imageDecodeWorker.js');
  if (fs.existsSync(js)) return { entry: js, execArgv: [] };
  const tsx = 'tsx/cjs'; // a variable: the bundler must not try to resolve a dev-only loader
  return { entry: path.join(__dirname, 'imageDecodeWorker.ts'), execArgv: ['--require', require.resolve(tsx)] };
}

// Wraps the require so that even a worker that cannot load its module posts an answer and wakes us.
const BOOT = `
const { workerData } = require('node:worker_threads');
const fail = (e) => {
  workerData.port.postMessage({ failure: String(e && e.stack || e) });
  const flag = new Int32Array(workerData.signal);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
};
try { require(workerData.entry).runDecodeJob(workerData).catch(fail); } catch (e) { fail(e); }
`;

export function decodeImagesSync(files: string[], shape: ImageShape): DecodeOutcome[] {
  if (files.length === 0) return [];
  const { entry, execArgv } = workerEntry();
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  const workerData = { entry, files, shape, port: port2, signal };
  const worker = new Worker(BOOT, { eval: true, execArgv, workerData, transferList: [port2] });
  try {
    Atomics.wait(new Int32Array(signal), 0, 0);
    const reply = receiveMessageOnPort(port1)?.message as { outcomes?: DecodeOutcome[]; failure?: string } | undefined;
    if (!reply?.outcomes) throw new Error(`image decoding worker failed: ${reply?.failure ?? 'no answer'}`);
    return reply.outcomes;
  } finally {
    port1.close();
    void worker.terminate();
  }
}
