/** The browser-safe encoder descriptions: names, preprocessing, the descriptor, and encoder.name in a config. */
import { strict as assert } from 'node:assert';
import { parseConfig } from '../../src/shared/config';
import { dtnConfigJsonSchema } from '../../src/shared/configJsonSchema';
import { isEncoderName } from '../../src/shared/encoderName';
import {
  accuracyText,
  encoderConfigField,
  encoderShapeText,
  EncoderListingSchema,
  preprocessingAffine,
  publishedEncoderEntries,
  TfjsEncoderDescriptorSchema,
} from '../../src/shared/encoders';

const digits = {
  architecture: { encoderWidths: [4, 4, 4], embeddingSize: 8, generatorWidths: [8, 4, 4], discriminatorWidths: [4, 4, 4] },
  source: { kind: 'synthetic-digits' },
  target: { kind: 'mnist-package' },
};

const close = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-9);

describe('encoder descriptions', () => {
  it('an encoder name is one folder name, never a path', () => {
    for (const ok of ['face-recognition-net', 'my_net.v2', 'A', 'x'.repeat(64)]) assert.ok(isEncoderName(ok), ok);
    for (const bad of ['', '../x', 'a/b', 'a\\b', '.hidden', '..', '-x', 'x'.repeat(65), 'a b', '/abs', 'C:x']) {
      assert.ok(!isEncoderName(bad), bad);
    }
  });

  it('encoder.name: a published name or a registered one; a path is refused', () => {
    assert.equal(parseConfig({ ...digits, encoder: { name: 'face-recognition-net' } }).encoder.name, 'face-recognition-net');
    assert.equal(parseConfig({ ...digits, encoder: { name: 'my-net' } }).encoder.name, 'my-net');
    for (const name of ['../my-net', '/etc/x', 'nets/my-net']) {
      assert.throws(() => parseConfig({ ...digits, encoder: { name } }), /encoder\.name/, name);
    }
  });

  it("the editor's JSON schema still completes the published names and checks the pattern", () => {
    const schema = dtnConfigJsonSchema() as { properties: { encoder: { properties: { name: { anyOf: Record<string, unknown>[] } } } } };
    const [published, registered] = schema.properties.encoder.properties.name.anyOf;
    assert.deepEqual(published.enum, ['face-recognition-net']);
    assert.equal(registered.pattern, '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');
    assert.ok(typeof registered.description === 'string' && typeof published.description === 'string');
  });

  it('preprocessing: each named convention maps [-1, 1] to its range', () => {
    const at = (p: Parameters<typeof preprocessingAffine>[0], x: number, c: 1 | 3 = 3) => {
      const { scale, offset } = preprocessingAffine(p, c);
      return scale.map((s, i) => x * s + offset[i]);
    };
    assert.ok(close(at('[-1,1]', -1), [-1, -1, -1]) && close(at('[-1,1]', 1), [1, 1, 1]));
    assert.ok(close(at('[0,1]', -1), [0, 0, 0]) && close(at('[0,1]', 1), [1, 1, 1]));
    assert.ok(close(at('[0,255]', -1, 1), [0]) && close(at('[0,255]', 1, 1), [255]));
    // ImageNet: (v - mean) / std for v = (x + 1) / 2.
    assert.ok(close(at('imagenet-mean-std', 0), [(0.5 - 0.485) / 0.229, (0.5 - 0.456) / 0.224, (0.5 - 0.406) / 0.225]));
    assert.ok(close(at({ scale: 2, offset: [1, 2, 3] }, 1), [3, 4, 5]));
    assert.throws(() => preprocessingAffine('imagenet-mean-std', 1), /3 input channels/);
    assert.throws(() => preprocessingAffine({ scale: [1, 2], offset: 0 }, 3), /give 1 or 3/);
  });

  it('the descriptor schema checks the preprocessing against the channels', () => {
    const d = { kind: 'dtn-tfjs-encoder', format: 1, model: 'model/model.json', inputSize: 8, channels: 1, embeddingSize: 6 };
    assert.ok(TfjsEncoderDescriptorSchema.safeParse({ ...d, preprocessing: '[0,1]' }).success);
    const bad = TfjsEncoderDescriptorSchema.safeParse({ ...d, preprocessing: 'imagenet-mean-std' });
    assert.ok(!bad.success && bad.error.issues[0].path[0] === 'preprocessing');
  });

  it('the published face encoder: shape, accuracy and its source; a config names it by name', () => {
    const [face] = publishedEncoderEntries();
    assert.equal(face.name, 'face-recognition-net');
    assert.equal(encoderShapeText(face), '150x150x3 -> 128');
    assert.equal(accuracyText(face.accuracy!), '99.38% on LFW');
    assert.match(face.description, /dlib/);
    assert.match(face.description, /TUTORIAL\.md/);
    assert.deepEqual(
      [encoderConfigField('published'), encoderConfigField('tfjs-model'), encoderConfigField('pretrained')],
      ['name', 'name', 'path'],
    );
    assert.ok(EncoderListingSchema.safeParse({ type: 'encoders', workspace: '/w', encoders: [face], problems: [] }).success);
  });
});
