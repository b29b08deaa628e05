/**
 * Starts tfjs's wasm backend with a thread count. One thread: the SIMD build. More: the threaded
 * SIMD build, whose XNNPACK thread pool runs convolutions and matrix products on every thread.
 *
 * tfjs-backend-wasm does not offer its threaded build in Node, so three of its defaults are
 * overridden while the backend starts, and put back after:
 * - WASM_HAS_MULTITHREAD_SUPPORT (false in Node) is set;
 * - the global `Worker` emscripten creates its pthreads with is ours (pthreadWorker.ts); emscripten
 *   assigns worker_threads' Worker to it on start, and that assignment is ignored;
 * - the build sizes its pool as min(requested, logical cores / 2, 8), assuming two hyperthreads per
 *   core: os.cpus(), where it reads the logical cores, reports twice the requested count so that
 *   the request is what counts (8, the workers it starts with, stays the most).
 * The backend starts once per process: a later start reuses it with the threads it has.
 */
import type * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { pthreadWorkerClass, pthreadWorkerSource, readPthreadScripts } from './pthreadWorker';

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');

/** The threaded build starts this many workers; its pool cannot use more without deadlocking the start. */
export const WASM_MAX_THREADS = 8;

export interface WasmStarted {
  /** Threads XNNPACK's pool runs on (1: the single-threaded build). */
  threads: number;
  /** Why it runs on fewer threads than requested, when it does. */
  note?: string;
}

export async function startWasm(requested: number): Promise<WasmStarted> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as WasmPackage;
  const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  wasm.setWasmPaths(`${path.join(packageDir, 'dist')}${path.sep}`);
  if (tf.findBackend('wasm')) {
    if (!(await tf.setBackend('wasm'))) throw new Error('backend did not initialise');
    const threads = wasm.getThreadsCount();
    return { threads, ...(threads !== requested ? { note: `the backend had started with ${threads} in this process` } : {}) };
  }
  const wanted = Math.min(requested, WASM_MAX_THREADS);
  const capped = wanted < requested ? `the wasm backend runs at most ${WASM_MAX_THREADS}` : undefined;
  if (wanted > 1) {
    let failure: string;
    try {
      const threads = await withThreadedBuild(wasm, packageDir, wanted);
      const note = threads < wanted ? `the threaded build started ${threads}` : capped;
      return { threads, ...(note ? { note } : {}) };
    } catch (err) {
      // A failed start leaves the backend unregistered, so the single-threaded build can start next.
      failure = err instanceof Error ? err.message : String(err);
    }
    // A runtime without wasm threads (no shared memory) still trains, on one.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) throw new Error(`backend did not initialise (threaded build: ${failure})`);
    return { threads: 1, note: `the threaded build did not start (${failure.split('\n')[0]})` };
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('backend did not initialise');
  return { threads: 1 };
}

async function withThreadedBuild(wasm: WasmPackage, packageDir: string, threads: number): Promise<number> {
  const PthreadWorker = pthreadWorkerClass(pthreadWorkerSource(readPthreadScripts(packageDir)));
  const global = globalThis as { Worker?: unknown };
  const savedWorker = Object.getOwnPropertyDescriptor(global, 'Worker');
  // The module object itself (an import's namespace is a read-only copy): the glue calls require('os').cpus().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeOs = require('node:os') as { cpus: typeof os.cpus };
  const savedCpus = nodeOs.cpus;
  Object.defineProperty(global, 'Worker', { configurable: true, get: () => PthreadWorker, set: () => undefined });
  const cpus = savedCpus();
  nodeOs.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]);
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('the threaded build did not initialise');
    return wasm.getThreadsCount();
  } finally {
    nodeOs.cpus = savedCpus;
    if (savedWorker) Object.defineProperty(global, 'Worker', savedWorker);
    else delete global.Worker;
  }
}
