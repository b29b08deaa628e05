import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, DataSpecSchema, EMOJI_STYLES, parseConfig } from '../../../../src/shared/config';
import { dtnConfigJsonSchema } from '../../../../src/shared/configJsonSchema';
import { DEFAULT_CACHE_ROOT } from '../../../../src/shared/node/runLayout';
import { loadDataSpec } from '../../../../src/trainer/data/loadDataSpec';
import { loadEmoji } from '../../../../src/trainer/data/emoji/loadEmoji';
import { cleanTempDirs, tempDir } from '../tmp';

const config = (target: unknown) => ({
  architecture: { encoderWidths: [4, 4, 4], embeddingSize: 8, generatorWidths: [8, 4, 4], discriminatorWidths: [4, 4, 4] },
  source: { kind: 'synthetic-digits' },
  target,
});

function rejected(raw: unknown): ConfigError {
  try {
    parseConfig(raw);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail('expected the config to be rejected');
}

describe('the emoji data kind', () => {
  after(cleanTempDirs);

  it('defaults to 2000 avataaars faces and the run seed', () => {
    const spec = parseConfig(config({ kind: 'emoji' })).target;
    assert.deepEqual(spec, { kind: 'emoji', style: 'avataaars', count: 2000 });
    assert.deepEqual(DataSpecSchema.parse({ kind: 'emoji', style: ['micah', 'personas'], count: 9, seed: 3 }), {
      kind: 'emoji',
      style: ['micah', 'personas'],
      count: 9,
      seed: 3,
    });
  });

  it('rejects an unknown style, an empty list and unknown fields, naming the field', () => {
    const e = rejected(config({ kind: 'emoji', style: 'bitmoji' }));
    assert.equal(e.code, 'CONFIG_INVALID');
    assert.deepEqual(
      e.issues.map((i) => i.path),
      ['target.style'],
    );
    assert.match(e.message, /target\.style: expected one of avataaars, adventurer/);
    assert.deepEqual(
      rejected(config({ kind: 'emoji', style: ['micah', 'bitmoji'] })).issues.map((i) => i.path),
      ['target.style'],
    );
    assert.deepEqual(
      rejected(config({ kind: 'emoji', style: [] })).issues.map((i) => i.path),
      ['target.style'],
    );
    assert.match(rejected(config({ kind: 'emoji', colour: 'red' })).message, /colour/);
  });

  it('offers the styles to the editor through the JSON schema', () => {
    assert.ok(JSON.stringify(dtnConfigJsonSchema()).includes(JSON.stringify([...EMOJI_STYLES])));
  });

  it('loadDataSpec renders at the model shape and caches under the config folder', async () => {
    const baseDir = tempDir('dtn-emoji-');
    const spec = DataSpecSchema.parse({ kind: 'emoji', style: 'fun-emoji', count: 3 });
    const set = await loadDataSpec(spec, { baseDir, size: 12, channels: 1, seed: 5 });
    assert.deepEqual([set.count, set.height, set.width, set.channels], [3, 12, 12, 1]);
    const cacheDir = path.join(baseDir, DEFAULT_CACHE_ROOT, 'emoji');
    assert.deepEqual(
      fs.readdirSync(cacheDir).map((d) => d.replace(/-[0-9a-f]{16}$/, '')),
      ['fun-emoji-12px-seed5'],
    );
    const direct = await loadEmoji({ styles: ['fun-emoji'], count: 3, seed: 5, size: 12, channels: 1, cacheDir: tempDir('dtn-emoji-') });
    assert.deepEqual(set.images, direct.images);
  });
});
