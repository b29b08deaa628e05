/** A valid samples/index.json of an 8-tile digits grid, for tests. */
import type { SampleIndex } from '../../src/shared/sampleIndex';

export const index8: SampleIndex = {
  kind: 'dtn-sample-index',
  version: 1,
  since: 0,
  tile: { height: 32, width: 32 },
  pad: 2,
  count: 8,
  source: { kind: 'held-out', origin: 'synthetic digits (seed 1000004)' },
  tiles: Array.from({ length: 8 }, (_, i) => ({ index: i, label: String(i % 10) })),
};
