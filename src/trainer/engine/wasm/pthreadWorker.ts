/**
 * A `Worker` for the pthreads of tfjs-backend-wasm's threaded build under Node.
 *
 * Emscripten starts each pthread as `new Worker(url)`, and in Node that is worker_threads' Worker.
 * tfjs hands it a blob: URL of the worker script, which worker_threads cannot load, and then sends
 * each worker a Blob of the bundled factory's source to import, which is not self-contained once
 * bundled (its `require`s are renamed). This Worker runs the package's own worker script instead,
 * with the package's own glue file (the same build, not bundled) as what it imports.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { Worker } from 'node:worker_threads';

/** The two scripts of the threaded build a pthread runs, read from the package. */
export interface PthreadScripts {
  /** The worker's message loop (emscripten's `*.worker.js`). */
  worker: string;
  /** The glue that instantiates the module in the worker (`WasmBackendModuleThreadedSimd`). */
  glue: string;
}

export function readPthreadScripts(packageDir: string): PthreadScripts {
  const dir = path.join(packageDir, 'wasm-out');
  // The worker file is `module.exports.wasmWorkerContents = "…"`: evaluated apart, it exports the text.
  const sandbox = { module: { exports: {} as { wasmWorkerContents?: unknown } } };
  vm.runInNewContext(fs.readFileSync(path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js'), 'utf8'), sandbox);
  const worker = sandbox.module.exports.wasmWorkerContents;
  if (typeof worker !== 'string') throw new Error('tfjs-backend-wasm-threaded-simd.worker.js exports no wasmWorkerContents');
  const glue = fs.readFileSync(path.join(dir, 'tfjs-backend-wasm-threaded-simd.js'), 'utf8');
  return { worker, glue };
}

/**
 * The worker's program: emscripten's worker script, then a replacement for the `importScripts` it
 * defines for Node (a file read) that evaluates the glue when asked for the Blob's object URL.
 */
export function pthreadWorkerSource(scripts: PthreadScripts): string {
  // The worker script carries "\n" inside string literals; tfjs escapes them the same way for its Blob.
  const worker = scripts.worker.replace(/\n/g, '\\n');
  return `${worker}
;(() => {
  const readFile = self.importScripts;
  const glue = ${JSON.stringify(scripts.glue)};
  self.importScripts = (url) => (String(url).startsWith('blob:') ? (0, eval)(glue) : readFile(url));
})();`;
}

/**
 * A worker_threads Worker class that ignores the URL emscripten passes and runs `source`. It never
 * keeps the process alive: emscripten refs a worker while its pthread runs, and XNNPACK's pool
 * threads run for good, waiting for work that only the main thread gives them.
 */
export function pthreadWorkerClass(source: string): new (url: unknown) => Worker {
  return class PthreadWorker extends Worker {
    constructor(_url: unknown) {
      super(source, { eval: true });
      super.unref();
    }

    override ref(): void {}
  };
}
