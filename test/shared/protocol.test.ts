import { strict as assert } from 'node:assert';
import { parseHostLine, parseTrainerLine, type TrainerMessage } from '../../src/shared/protocol';

const loss = { D: 1.5, GANG: 0.7, CONST: null, TID: 0.01, TV: null, G: 2.25 };
const record = { step: 10, loss, msPerStep: 120.5, imgPerSec: 260, time: '2024-01-01T00:00:00.000Z' };

const VALID: TrainerMessage[] = [
  {
    type: 'started',
    runId: 'r1',
    runDir: '/runs/r1',
    backend: 'cpu',
    backendReason: 'requested',
    device: 'x86',
    configHash: 'abcd',
    startStep: 0,
    totalSteps: 100,
  },
  { type: 'status', phase: 'data', message: 'loading' },
  { type: 'metrics', record, totalSteps: 100 },
  { type: 'sample', step: 0, path: '/runs/r1/samples/step-00000000.png' },
  { type: 'checkpoint', step: 50, path: '/runs/r1/checkpoints/step-00000050' },
  { type: 'warning', message: 'careful' },
  { type: 'error', code: 'INTERNAL', message: 'boom' },
  { type: 'error', code: 'CONFIG_INVALID', message: 'boom', file: '/x.dtn.json', fix: 'fix it' },
  { type: 'done', reason: 'completed', step: 100, runDir: '/runs/r1', checkpoint: '/runs/r1/checkpoints/step-00000100' },
  { type: 'done', reason: 'stopped', step: 3, runDir: '/runs/r1' },
];

describe('trainer protocol', () => {
  for (const msg of VALID) {
    it(`accepts a valid ${msg.type} message (${Object.keys(msg).slice(1).join(', ')}) and returns it unchanged`, () => {
      assert.deepEqual(parseTrainerLine(JSON.stringify(msg)), msg);
    });
  }

  const rejects: [string, string][] = [
    ['empty line', ''],
    ['bad JSON', '{"type": "status", "phase": "x"'],
    ['JSON that is not an object', '[1, 2]'],
    ['a JSON string', '"status"'],
    ['unknown type', JSON.stringify({ type: 'progress', step: 1 })],
    ['no type', JSON.stringify({ phase: 'x', message: 'y' })],
    ['NaN loss (not JSON)', JSON.stringify({ type: 'metrics', record, totalSteps: 100 }).replace('1.5', 'NaN')],
    ['infinite loss (1e999)', JSON.stringify({ type: 'metrics', record, totalSteps: 100 }).replace('1.5', '1e999')],
    ['a loss key missing', JSON.stringify({ type: 'metrics', record: { ...record, loss: { ...loss, G: undefined } }, totalSteps: 100 })],
    ['a loss that is a string', JSON.stringify({ type: 'metrics', record: { ...record, loss: { ...loss, D: '1.5' } }, totalSteps: 100 })],
    ['metrics without totalSteps', JSON.stringify({ type: 'metrics', record })],
    ['a negative step', JSON.stringify({ type: 'sample', step: -1, path: 'p' })],
    ['a fractional step', JSON.stringify({ type: 'checkpoint', step: 1.5, path: 'p' })],
    ['started without runDir', JSON.stringify({ ...VALID[0], runDir: undefined })],
    ['zero totalSteps', JSON.stringify({ ...VALID[0], totalSteps: 0 })],
    ['an unknown done reason', JSON.stringify({ type: 'done', reason: 'crashed', step: 1, runDir: '/r' })],
    ['error without message', JSON.stringify({ type: 'error', file: '/x' })],
    ['status with a numeric message', JSON.stringify({ type: 'status', phase: 'x', message: 3 })],
  ];
  for (const [what, line] of rejects) {
    it(`rejects ${what}`, () => {
      assert.equal(parseTrainerLine(line), undefined);
    });
  }

  it('an error code this version does not know, or none (an older trainer), reads as INTERNAL', () => {
    for (const extra of [{ code: 'DISK_ON_FIRE' }, {}]) {
      const msg = parseTrainerLine(JSON.stringify({ type: 'error', message: 'boom', ...extra }));
      assert.deepEqual(msg, { type: 'error', code: 'INTERNAL', message: 'boom' });
    }
  });

  it('host commands: stop, pause, resume and nothing else', () => {
    for (const type of ['stop', 'pause', 'resume'] as const) assert.deepEqual(parseHostLine(JSON.stringify({ type })), { type });
    for (const line of ['', 'stop', '{"type":"kill"}', '{"type":', '{}']) assert.equal(parseHostLine(line), undefined, line);
  });
});
