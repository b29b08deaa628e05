import { strict as assert } from 'node:assert';
import { checkConfigText, formatProblem, lineColumn, type ConfigProblem } from '../../src/shared/configCheck';
import { PRESETS } from '../../src/shared/presets';

function problems(text: string): ConfigProblem[] {
  const r = checkConfigText(text);
  assert.ok(!r.ok, 'expected the config to be refused');
  return r.problems;
}

/** `line:column field` of each problem, the part a user jumps to. */
const places = (ps: ConfigProblem[]) => ps.map((p) => `${p.line}:${p.column} ${p.field ?? '(syntax)'}`);

describe('checkConfigText', () => {
  it('accepts a valid config, with the preset it extends underneath', () => {
    const r = checkConfigText('{\n  "extends": "digits-quick",\n  "name": "mine",\n  "train": { "steps": 7 }\n}\n');
    assert.ok(r.ok);
    assert.equal(r.config.name, 'mine');
    assert.equal(r.config.train.steps, 7);
    assert.equal(r.config.train.batchSize, PRESETS['digits-quick'].train.batchSize);
  });

  it('places each field problem at its value (or, for an unknown field, its name), 1-based, in file order', () => {
    const text = [
      '{',
      '  "extends": "digits-quick",',
      '  "train": { "steps": -3, "batchSize": "x" },',
      '  "colour": 1,',
      '  "backend": "gpu",',
      '  "source": { "kind": "nope" }',
      '}',
    ].join('\n');
    const ps = problems(text);
    assert.deepEqual(places(ps), ['3:23 train.steps', '3:40 train.batchSize', '4:3 colour', '5:14 backend', '6:23 source.kind']);
    assert.equal(
      formatProblem('a.dtn.json', ps[0]),
      'a.dtn.json:3:23: train.steps: Too small: expected number to be >0 — use a number > 0',
    );
    assert.match(formatProblem('a.dtn.json', ps[2]), /colour: unknown field "colour" — remove it/);
    assert.match(ps[3].fix, /use one of "auto", "tensorflow", "webgpu", "wasm", "cpu"/);
    assert.match(ps[4].message, /unknown kind "nope"/);
    assert.match(ps[4].fix, /"synthetic-digits"/);
  });

  it('a union names the variant the config meant, not "Invalid input"', () => {
    const ps = problems('{ "extends": "digits-quick", "architecture": { "encoderWidths": [8, 0, 8] } }');
    assert.deepEqual(places(ps), ['1:69 architecture.encoderWidths.1']);
    assert.equal(ps[0].fix, 'use a number > 0');
  });

  it('a wrong value the preset gave is marked at the nearest field the file holds, and says where it comes from', () => {
    const ps = problems('{\n  "extends": "digits-quick",\n  "architecture": { "kind": "faces" }\n}');
    const imageSize = ps.find((p) => p.field === 'architecture.imageSize');
    assert.ok(imageSize, places(ps).join(', '));
    assert.deepEqual([imageSize.line, imageSize.column], [3, 3]);
    assert.match(imageSize.fix, /^use 64 \(the file does not set it: the preset "digits-quick" does\)$/);
  });

  it('a missing field is named with what to add', () => {
    const ps = problems('{ "name": "x" }');
    assert.deepEqual(
      ps.map((p) => [p.field, p.fix]),
      [
        ['architecture', 'add "architecture"'],
        ['source', 'add "source"'],
        ['target', 'add "target"'],
      ],
    );
  });

  it('an unknown preset in extends is placed at its value, with the choices', () => {
    const ps = problems('{\n  "extends": "digitz"\n}');
    assert.deepEqual(places(ps), ['2:14 extends']);
    assert.match(ps[0].fix, /digits, digits-cpu, digits-quick, faces-emoji, faces-emoji-quick/);
  });

  it('JSON syntax: strict as the trainer reads it, the first error placed, never "position N"', () => {
    const cases: [string, string, RegExp][] = [
      ['{\n  "extends": "digits-quick",\n  "train": { "steps": 10, }\n}', '3:25', /a trailing comma/],
      ['{\n  // mine\n  "extends": "digits-quick"\n}', '2:3', /a comment/],
      ['{ "extends": "digits-quick" "seed": 1 }', '1:29', /"," expected/],
      ['{\n  "seed": 1,\n  "name": "a\n}', '3:11', /unterminated string/],
      ['', '1:1', /empty/],
    ];
    for (const [text, at, re] of cases) {
      const r = checkConfigText(text);
      assert.ok(!r.ok && r.syntax, text);
      assert.equal(r.problems.length, 1);
      const p = r.problems[0];
      assert.equal(`${p.line}:${p.column}`, at, text);
      assert.match(p.message, re);
      assert.doesNotMatch(formatProblem('f', p), /position/);
    }
  });

  it('a JSON value that is not an object is refused', () => {
    assert.match(problems('[1, 2]')[0].message, /must be a JSON object/);
  });

  it('lineColumn counts from 1, and columns restart after each newline (CRLF too)', () => {
    assert.deepEqual(lineColumn('ab\r\ncd', 0), { line: 1, column: 1 });
    assert.deepEqual(lineColumn('ab\r\ncd', 5), { line: 2, column: 2 });
  });
});
