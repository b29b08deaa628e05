import { strict as assert } from 'node:assert';
import { ConfigError, parseConfig } from '../../../src/shared/config';
import { ERROR_CODES, errorCodeOf } from '../../../src/shared/errors';
import { describeError } from '../../../src/trainer/cli/commands/action';
import { DataError } from '../../../src/trainer/data/imageSet';
import { BackendError } from '../../../src/trainer/engine/backend';
import { EncoderNotFoundError } from '../../../src/trainer/run/encoderStore';
import { TensorFolderError } from '../../../src/trainer/run/tensorFile';

describe('error codes', () => {
  it('each error class of the trainer carries its code into the protocol message, with file and fix', () => {
    const cases: [unknown, string, string | undefined, string | undefined][] = [
      [new DataError('not an IDX file', '/d/x.gz', 'Download it again'), 'DATA_INVALID', '/d/x.gz', 'Download it again'],
      [new EncoderNotFoundError('/w/.dtn/encoders/q', 'Train it first'), 'ENCODER_MISSING', '/w/.dtn/encoders/q', 'Train it first'],
      [
        new TensorFolderError('truncated', '/r/checkpoints/step-00000003/tensors.bin'),
        'CHECKPOINT_CORRUPT',
        '/r/checkpoints/step-00000003/tensors.bin',
        undefined,
      ],
      [new BackendError('WebGPU is not available', 'Install a Vulkan driver'), 'BACKEND_UNAVAILABLE', undefined, 'Install a Vulkan driver'],
      [new BackendError('the GPU rejected work', 'Rerun', 'DEVICE_FAILED'), 'DEVICE_FAILED', undefined, 'Rerun'],
    ];
    for (const [err, code, file, fix] of cases) {
      const msg = describeError(err);
      assert.equal(msg.code, code);
      assert.equal(msg.file, file);
      assert.equal(msg.fix, fix);
      assert.ok(code in ERROR_CODES);
    }
  });

  it('a config that fails validation is CONFIG_INVALID, each field with its own fix in the message (no general fix to repeat)', () => {
    let fieldError: unknown;
    try {
      parseConfig({ train: { batchSize: -1 } }, '/w/a.dtn.json');
    } catch (err) {
      fieldError = err;
    }
    assert.ok(fieldError instanceof ConfigError);
    assert.deepEqual(
      { code: describeError(fieldError).code, file: describeError(fieldError).file, fix: describeError(fieldError).fix },
      { code: 'CONFIG_INVALID', file: '/w/a.dtn.json', fix: undefined },
    );
    assert.match(describeError(fieldError).message, /train\.batchSize: .* — use a number > 0/);
    const notFound = new ConfigError('/w/b.dtn.json: config file not found', '/w/b.dtn.json', []);
    assert.equal(describeError(notFound).fix, undefined);
  });

  it('anything else is INTERNAL, with its message', () => {
    assert.deepEqual(describeError(new RangeError('Invalid typed array length')), {
      type: 'error',
      code: 'INTERNAL',
      message: 'Invalid typed array length',
    });
    assert.equal(errorCodeOf('a string'), 'INTERNAL');
  });

  it('a write the file system refuses (full, read-only, no permission) is OUTPUT_INVALID naming the path', () => {
    const full = Object.assign(new Error("ENOSPC: no space left on device, write '/r/metrics.jsonl'"), {
      code: 'ENOSPC',
      path: '/r/metrics.jsonl',
    });
    const msg = describeError(full);
    assert.deepEqual([msg.code, msg.file], ['OUTPUT_INVALID', '/r/metrics.jsonl']);
    assert.match(msg.fix ?? '', /Free space/);
    for (const code of ['EACCES', 'EROFS']) assert.equal(describeError(Object.assign(new Error(code), { code })).code, 'OUTPUT_INVALID');
    assert.equal(describeError(Object.assign(new Error('gone'), { code: 'ENOENT' })).code, 'INTERNAL');
  });
});
