/** Tile shapes of the WebGPU GEMM: what every device can run, and the deeper tier. */
import { strict as assert } from 'node:assert';
import { tileShape } from '../../../../src/trainer/engine/webgpu/webgpuGemm';

describe('WebGPU GEMM tiles', () => {
  it('every tile fits the 16 KiB of workgroup memory any WebGPU device guarantees', () => {
    for (const M of [1, 9, 64, 100, 1000, 100000])
      for (const N of [1, 3, 5, 8, 16, 33, 512]) {
        const t = tileShape(M, N);
        assert.ok(t.workgroupBytes <= 16384, `M=${M} N=${N}: ${JSON.stringify(t)}`);
        assert.ok(t.workgroupBytes >= t.bk * (t.BM + t.BN) * 4, 'the staged slices fit the counted bytes');
        // Deeper slices of wide tiles need more than the guaranteed 16 KiB, within the 32 KiB tier.
        assert.ok(tileShape(M, N, { wide: true, wideDepth: 16 }).workgroupBytes <= 32768);
        // 128×64 tiles stage 16-deep slices within the guaranteed 16 KiB.
        assert.ok(tileShape(M, N, { wide: true, wideTn: 4 }).workgroupBytes <= 16384);
        assert.equal(t.wgM * t.wgN, 256);
      }
  });
});
