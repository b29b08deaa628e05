/**
 * The wasm backend on several threads trains exactly as on one: same losses, same weights (within
 * float tolerance; XNNPACK splits outputs, not sums, so they are equal here). Each thread count runs
 * in its own process, since the backend starts once per process.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { BackendInfo } from '../../../../src/trainer/engine/backend';

interface Outcome {
  backend: BackendInfo;
  losses: Record<string, number | null>[];
  weights: Record<string, number[]>;
}

const FIXTURE = path.join(__dirname, 'wasmStepsFixture.ts');

async function trainOn(threads: string): Promise<Outcome> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'tsx/cjs', FIXTURE, threads], {
    cwd: path.join(__dirname, '..', '..', '..', '..'),
    maxBuffer: 64 * 2 ** 20,
  });
  return JSON.parse(stdout) as Outcome;
}

function assertClose(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${what}: ${a} on 2 threads, ${b} on 1`);
}

describe('wasm backend threads', function () {
  this.timeout(300_000);
  let one: Outcome;
  let two: Outcome;

  before(async () => {
    [one, two] = await Promise.all([trainOn('1'), trainOn('2')]);
  });

  it('starts the threaded build with the threads asked for, and says so in the device line', () => {
    assert.equal(one.backend.threads, 1);
    assert.match(one.backend.device, /\(WebAssembly SIMD, 1 thread\)$/);
    assert.equal(two.backend.threads, 2, two.backend.reason);
    assert.match(two.backend.device, /\(WebAssembly SIMD, 2 threads\)$/);
    assert.match(two.backend.reason, /threads --threads 2/);
  });

  it('three training steps on 2 threads give the losses and weights of 1 thread', () => {
    assert.equal(two.losses.length, 3);
    two.losses.forEach((losses, step) => {
      for (const [name, value] of Object.entries(losses)) {
        const reference = one.losses[step][name];
        if (value === null || reference === null) assert.equal(value, reference, `step ${step} ${name}`);
        else assertClose(value, reference, `step ${step} ${name}`);
      }
    });
    assert.deepEqual(Object.keys(two.weights), Object.keys(one.weights));
    for (const [name, values] of Object.entries(two.weights)) {
      values.forEach((v, i) => assertClose(v, one.weights[name][i], `${name}[${i}]`));
    }
  });
});
