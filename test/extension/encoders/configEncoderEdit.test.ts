/** "Use as f in Config…": the edit of a config's text, which keeps its comments and formatting. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { publishedEncoderEntries, type EncoderEntry } from '../../../src/shared/encoders';
import {
  EncoderEditError,
  formattingOf,
  minimalEdit,
  planEncoderEdit,
  type TextEdit,
} from '../../../src/extension/encoders/configEncoderEdit';

const ws = path.resolve('/ws');
const configFile = path.join(ws, 'faces.dtn.json');
const apply = (text: string, e?: TextEdit) => (e ? text.slice(0, e.offset) + e.content + text.slice(e.offset + e.length) : text);

const face = publishedEncoderEntries()[0];
const userModel: EncoderEntry = {
  name: 'arcface',
  kind: 'tfjs-model',
  inputSize: 112,
  inputChannels: 3,
  embeddingSize: 512,
  location: path.join(ws, '.dtn', 'encoders', 'arcface'),
  description: 'a user model',
};
const pretrained: EncoderEntry = {
  name: 'digits',
  kind: 'pretrained',
  inputSize: 32,
  inputChannels: 3,
  embeddingSize: 128,
  location: path.join(ws, '.dtn', 'encoders', 'digits'),
  description: 'digits',
};

const facesConfig = `{
    // faces -> emoji, my settings
    "name": "mine",
    "architecture": { "kind": "faces", "generatorWidths": [512, 256, 128, 64], "discriminatorWidths": [64, 128] },
    "encoder": {
        "path": "old/encoder", // was the digits one
        "pretrainSteps": 10
    },
    "source": { "kind": "image-folder", "path": "faces" },
    "target": { "kind": "image-folder", "path": "emoji" }
}
`;

describe('config encoder edit', () => {
  it('sets encoder.name, removes encoder.path, and leaves comments and the rest of the text alone', () => {
    const plan = planEncoderEdit(facesConfig, configFile, userModel);
    const after = apply(facesConfig, plan.edit);
    assert.deepEqual([plan.field, plan.value, plan.note], ['name', 'arcface', undefined]);
    assert.match(after, /\/\/ faces -> emoji, my settings/);
    assert.match(after, /"name": "arcface"/);
    assert.doesNotMatch(after, /old\/encoder/);
    assert.match(after, /"pretrainSteps": 10/);
    assert.ok(after.startsWith(facesConfig.slice(0, facesConfig.indexOf('"encoder"'))), 'the text before encoder is unchanged');
    assert.ok(after.endsWith(facesConfig.slice(facesConfig.indexOf('    "source"'))), 'the text after encoder is unchanged');
    assert.equal(planEncoderEdit(after, configFile, userModel).edit, undefined, 'a second run changes nothing');
  });

  it('adds an encoder object, indented as the file is, when there is none', () => {
    const text = '{\n\t"extends": "digits-quick",\n\t"name": "q"\n}\n';
    const plan = planEncoderEdit(text, path.join(ws, 'sub', 'q.dtn.json'), pretrained);
    const after = apply(text, plan.edit);
    assert.deepEqual([plan.field, plan.value], ['path', '../.dtn/encoders/digits']);
    assert.match(after, /\n\t"encoder": \{\n\t\t"path": "\.\.\/\.dtn\/encoders\/digits"\n\t\}\n\}\n$/);
    assert.ok(after.startsWith('{\n\t"extends": "digits-quick",\n\t"name": "q"'));
  });

  it('a published face encoder goes into a faces config by name', () => {
    const plan = planEncoderEdit(facesConfig, configFile, face);
    assert.match(apply(facesConfig, plan.edit), /"name": "face-recognition-net"/);
  });

  it('refuses pairs training would refuse, and a name the config cannot find', () => {
    const digits = '{ "extends": "digits" }';
    assert.throws(() => planEncoderEdit(digits, path.join(ws, 'd.dtn.json'), face), EncoderEditError);
    assert.throws(() => planEncoderEdit(facesConfig, configFile, pretrained), /needs a face-identity f/);
    assert.throws(() => planEncoderEdit(facesConfig, path.join(ws, 'sub', 'x.dtn.json'), userModel), /looks up encoder names in/);
    assert.throws(() => planEncoderEdit('{ "name": ', configFile, userModel), /not a JSON object/);
  });

  it("notes a digits config whose embedding size differs from the model's, and writes it anyway", () => {
    const plan = planEncoderEdit('{ "extends": "digits" }', path.join(ws, 'd.dtn.json'), userModel);
    assert.match(plan.note!, /architecture\.embeddingSize = 128: set it to 512/);
    // The edited object is laid out anew (jsonc-parser formats what it inserts into).
    assert.equal(apply('{ "extends": "digits" }', plan.edit), '{\n  "extends": "digits",\n  "encoder": {\n    "name": "arcface"\n  }\n}');
  });

  it('formatting and the minimal edit', () => {
    assert.deepEqual(formattingOf('{\r\n    "a": 1\r\n}'), { insertSpaces: true, tabSize: 4, eol: '\r\n' });
    assert.deepEqual(formattingOf('{}'), { insertSpaces: true, tabSize: 2, eol: '\n' });
    assert.deepEqual(minimalEdit('abcXYdef', 'abcZdef'), { offset: 3, length: 2, content: 'Z' });
    assert.deepEqual(minimalEdit('aa', 'aaa'), { offset: 2, length: 0, content: 'a' });
    assert.equal(minimalEdit('same', 'same'), undefined);
  });
});
