import { strict as assert } from 'node:assert';
import type { DtnError } from '../../../src/shared/errors';
import { assertDomainFits } from '../../../src/trainer/data/memoryBudget';
import { loadDataSpec } from '../../../src/trainer/data/loadDataSpec';
import { parseConfig } from '../../../src/shared/config';

describe('memory budget of a domain', () => {
  it('a count that cannot fit is a named config error with the largest count that does', () => {
    const gib = 2 ** 30;
    assert.doesNotThrow(() => assertDomainFits(20000, 32, 3, 'count', 8 * gib));
    assert.throws(
      () => assertDomainFits(4_000_000, 64, 3, 'emoji count', 8 * gib),
      (e: DtnError) =>
        e.code === 'CONFIG_INVALID' &&
        /emoji count: 4000000 images of 64x64x3 need 183\.1 GiB/.test(e.message) &&
        /at most 87381\b/.test(e.fix!),
    );
  });

  it('loadDataSpec refuses before rendering anything, and the schema bounds counts and widths', async () => {
    const started = Date.now();
    await assert.rejects(
      loadDataSpec({ kind: 'synthetic-digits', count: 4_900_000 }, { baseDir: '.', size: 150, channels: 3, seed: 1 }),
      (e: DtnError) => e.code === 'CONFIG_INVALID',
    );
    assert.ok(Date.now() - started < 1000, 'refused at once');
    const base = { source: { kind: 'synthetic-digits' }, target: { kind: 'mnist-package' } };
    const arch = { encoderWidths: [4, 4, 4], embeddingSize: 8, generatorWidths: [8, 4, 4], discriminatorWidths: [4, 4, 4] };
    assert.throws(
      () => parseConfig({ ...base, architecture: { ...arch, generatorWidths: [1e6, 4, 4] } }),
      /architecture\.generatorWidths\.0/,
    );
    assert.throws(() => parseConfig({ ...base, architecture: arch, source: { kind: 'synthetic-digits', count: 1e12 } }), /source\.count/);
    assert.throws(() => parseConfig({ ...base, architecture: arch, train: { batchSize: 1e7 } }), /train\.batchSize/);
  });
});
