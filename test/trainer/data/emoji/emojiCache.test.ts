import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DtnError } from '../../../../src/shared/errors';
import { CHUNK_SIZE, chunkFile, EmojiCacheKey, emojiKeyDir, readChunk, writeChunk } from '../../../../src/trainer/data/emoji/emojiCache';
import { cleanTempDirs, tempDir } from '../tmp';

const key: EmojiCacheKey = {
  style: 'micah',
  options: { glassesProbability: 25, scale: 105 },
  size: 8,
  seed: 3,
  packageVersions: { '@dicebear/core': '9.4.3', '@dicebear/micah': '9.4.3' },
  rendererVersion: 'r1',
};

const faces = (n: number, size: number) => Buffer.from(Array.from({ length: n * size * size * 3 }, (_, i) => (i * 7) % 256));

describe('emojiCache', () => {
  after(cleanTempDirs);

  it('names a folder per key: readable, and different when anything that sets the pixels differs', () => {
    const dir = emojiKeyDir('/c', key);
    assert.match(dir, /^\/c\/micah-8px-seed3-[0-9a-f]{16}$/);
    // Object key order does not matter.
    assert.equal(emojiKeyDir('/c', { ...key, options: { scale: 105, glassesProbability: 25 } }), dir);
    const variants: EmojiCacheKey[] = [
      { ...key, style: 'personas' },
      { ...key, options: { ...key.options, scale: 106 } },
      { ...key, size: 9 },
      { ...key, seed: 4 },
      { ...key, packageVersions: { ...key.packageVersions, '@dicebear/core': '9.5.0' } },
      { ...key, packageVersions: { ...key.packageVersions, '@dicebear/micah': '9.4.4' } },
      { ...key, rendererVersion: 'r2' },
    ];
    const dirs = new Set([dir, ...variants.map((k) => emojiKeyDir('/c', k))]);
    assert.equal(dirs.size, variants.length + 1);
    assert.equal(chunkFile(dir, 3), path.join(dir, '00003.png'));
  });

  it('writes a chunk as one PNG strip and reads the same bytes back', async () => {
    const file = chunkFile(emojiKeyDir(tempDir(), key), 0);
    const rgb = faces(5, 8);
    await writeChunk(file, rgb, 8);
    assert.equal(fs.readFileSync(file).subarray(1, 4).toString(), 'PNG');
    assert.ok((await readChunk(file, 8))!.equals(rgb));
    // Leaves no temporary file behind.
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['00000.png']);
  });

  it('reads a missing, damaged or foreign chunk as absent', async () => {
    const dir = tempDir();
    assert.equal(await readChunk(path.join(dir, 'none.png'), 8), undefined);
    const file = path.join(dir, '00000.png');
    await writeChunk(file, faces(2, 8), 8);
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, good.subarray(0, good.length - 20));
    assert.equal(await readChunk(file, 8), undefined, 'truncated');
    const flipped = Buffer.from(good);
    flipped[60] ^= 0xff;
    fs.writeFileSync(file, flipped);
    assert.equal(await readChunk(file, 8), undefined, 'a flipped byte');
    fs.writeFileSync(file, good);
    assert.equal(await readChunk(file, 4), undefined, 'another size');
    await writeChunk(file, faces(CHUNK_SIZE + 1, 2), 2);
    assert.equal(await readChunk(file, 2), undefined, 'more faces than a chunk holds');
  });

  it('a chunk that cannot be written is an OUTPUT_INVALID naming the file', async () => {
    const blocker = path.join(tempDir(), 'file');
    fs.writeFileSync(blocker, '');
    const file = path.join(blocker, '00000.png');
    await assert.rejects(
      writeChunk(file, faces(1, 2), 2),
      (e: unknown) => e instanceof DtnError && e.code === 'OUTPUT_INVALID' && e.file === file,
    );
  });
});
