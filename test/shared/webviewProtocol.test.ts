/** The validators at each boundary reject malformed messages instead of passing them on. */
import * as assert from 'node:assert/strict';
import { parseHostLine, parseTrainerLine } from '../../src/shared/protocol';
import {
  ExperimentsInSchema,
  ExperimentsOutSchema,
  CompareInSchema,
  CompareOutSchema,
  DashboardInSchema,
  DashboardOutSchema,
  parseMessage,
  SamplesInSchema,
  SamplesOutSchema,
} from '../../src/shared/webviewProtocol';

const loss = { D: 1, GANG: 2, CONST: 0.1, TID: 0.2, TV: null, G: 5 };
const record = { step: 3, loss, msPerStep: 100, imgPerSec: 80, time: '2025-01-01T00:00:00Z' };
const run = { runId: 'r', runDir: '/tmp/r', status: 'running', managed: true, totalSteps: 10, lastStep: 3 };

describe('trainer protocol validation', () => {
  it('accepts well-formed messages', () => {
    assert.equal(parseTrainerLine(JSON.stringify({ type: 'metrics', record, totalSteps: 10 }))?.type, 'metrics');
    assert.equal(parseTrainerLine(JSON.stringify({ type: 'done', reason: 'stopped', step: 3, runDir: '/r' }))?.type, 'done');
    assert.deepEqual(parseHostLine('{"type":"stop"}'), { type: 'stop' });
  });

  const bad: [string, string][] = [
    ['not JSON', 'started run 1'],
    ['empty line', ''],
    ['JSON that is not an object', '[1,2]'],
    ['unknown type', JSON.stringify({ type: 'launch' })],
    ['missing fields', JSON.stringify({ type: 'started', runId: 'r' })],
    ['negative step', JSON.stringify({ type: 'sample', step: -1, path: '/x.png' })],
    ['fractional step', JSON.stringify({ type: 'checkpoint', step: 1.5, path: '/c' })],
    [
      'an infinite loss (1e999 parses to Infinity)',
      '{"type":"metrics","record":{"step":1,"loss":{"D":1e999,"GANG":1,"CONST":1,"TID":1,"TV":null,"G":1},' +
        '"msPerStep":1,"imgPerSec":1,"time":"t"},"totalSteps":2}',
    ],
    ['a loss as a string', JSON.stringify({ type: 'metrics', record: { ...record, loss: { ...loss, D: '1.0' } }, totalSteps: 10 })],
    ['a loss term missing', JSON.stringify({ type: 'metrics', record: { ...record, loss: { D: 1 } }, totalSteps: 10 })],
    ['zero total steps', JSON.stringify({ type: 'metrics', record, totalSteps: 0 })],
    ['an unknown done reason', JSON.stringify({ type: 'done', reason: 'crashed', step: 1, runDir: '/r' })],
  ];
  for (const [what, line] of bad) {
    it(`rejects ${what}`, () => assert.equal(parseTrainerLine(line), undefined));
  }

  it('rejects malformed host commands', () => {
    for (const line of ['stop', '{"type":"kill"}', '{}', '{"type":1}']) assert.equal(parseHostLine(line), undefined, line);
  });
});

describe('webview protocol validation', () => {
  it('accepts the messages the host sends', () => {
    assert.ok(parseMessage(DashboardInSchema, { type: 'init', run, records: [record], smoothing: 0.6 }));
    assert.ok(parseMessage(DashboardInSchema, { type: 'records', runId: 'r', records: [record] }));
    assert.ok(
      parseMessage(SamplesInSchema, { type: 'samples', runId: 'r', samples: [{ step: 2, uri: 'https://file+.vscode-resource/x.png' }] }),
    );
    assert.ok(parseMessage(SamplesInSchema, { type: 'empty' }));
  });

  it('rejects malformed host -> webview messages', () => {
    const cases: unknown[] = [
      undefined,
      null,
      'init',
      { type: 'init', run, records: [record] }, // no smoothing
      { type: 'init', run: { ...run, status: 'exploded' }, records: [], smoothing: 0.5 },
      { type: 'init', run, records: [], smoothing: 2 },
      { type: 'records', runId: 'r', records: [{ ...record, step: -4 }] },
      { type: 'records', records: [record] },
      { type: 'script', code: 'alert(1)' },
    ];
    for (const c of cases) assert.equal(parseMessage(DashboardInSchema, c), undefined, JSON.stringify(c));
    for (const c of [
      { type: 'samples', runId: 'r', samples: [{ step: 1 }] },
      { type: 'samples', runId: 'r', samples: [{ step: 1, uri: '' }] },
      { type: 'init', run, samples: 'all' },
    ]) {
      assert.equal(parseMessage(SamplesInSchema, c), undefined, JSON.stringify(c));
    }
  });

  it('rejects malformed webview -> host messages', () => {
    assert.deepEqual(parseMessage(DashboardOutSchema, { type: 'stop' }), { type: 'stop' });
    for (const c of [{ type: 'exec', cmd: 'rm' }, { kind: 'stop' }, 'ready', 42]) {
      assert.equal(parseMessage(DashboardOutSchema, c), undefined);
      assert.equal(parseMessage(SamplesOutSchema, c), undefined);
    }
  });
});

describe('compare panel protocol validation', () => {
  const crun = { label: 'r', run, records: [record], config: { seed: 1, 'losses.tid': false, name: 'x', 'a.b': null } };
  it('accepts the messages host and webview send', () => {
    assert.ok(
      parseMessage(CompareInSchema, { type: 'init', title: '2 runs', runs: [crun, { ...crun, config: undefined }], smoothing: 0.6 }),
    );
    assert.ok(
      parseMessage(CompareInSchema, {
        type: 'init',
        title: 'Ablation a',
        runs: [crun],
        smoothing: 0,
        source: { dir: '/a', ablation: true, report: false },
      }),
    );
    assert.ok(parseMessage(CompareInSchema, { type: 'records', batches: [{ runDir: '/tmp/r', records: [record] }] }));
    assert.ok(parseMessage(CompareOutSchema, { type: 'openDashboard', runDir: '/tmp/r' }));
    assert.ok(parseMessage(CompareOutSchema, { type: 'remove', runDir: '/tmp/r' }));
  });

  it('rejects malformed ones', () => {
    const inCases: unknown[] = [
      { type: 'init', title: 't', runs: [{ ...crun, config: { nested: { a: 1 } } }], smoothing: 0.6 }, // config not flattened
      { type: 'init', title: 't', runs: [crun] }, // no smoothing
      { type: 'records', batches: [{ records: [record] }] },
      { type: 'records', runDir: '/r', records: [record] },
      { type: 'run', run: { ...run, lastStep: -1 } },
    ];
    for (const c of inCases) assert.equal(parseMessage(CompareInSchema, c), undefined, JSON.stringify(c));
    const outCases: unknown[] = [{ type: 'openDashboard' }, { type: 'remove', runDir: 3 }, { type: 'runCommand', id: 'x' }, null];
    for (const c of outCases) assert.equal(parseMessage(CompareOutSchema, c), undefined, JSON.stringify(c));
  });
});

describe('experiments table protocol validation', () => {
  const row = { runDir: '/ws/.dtn/runs/r1', id: 'r1', name: 'baseline', status: 'completed', managed: false, lastStep: 10, totalSteps: 10 };
  it('accepts the rows the host sends and the actions the webview asks for', () => {
    assert.ok(parseMessage(ExperimentsInSchema, { type: 'rows', rows: [row, { ...row, config: { seed: 1, 'losses.tid': false } }] }));
    assert.ok(parseMessage(ExperimentsOutSchema, { type: 'compare', runDirs: ['/a', '/b'] }));
    assert.ok(parseMessage(ExperimentsOutSchema, { type: 'delete', runDirs: ['/a'] }));
    assert.ok(parseMessage(ExperimentsOutSchema, { type: 'rename', runDir: '/a' }));
  });
  it('rejects malformed ones', () => {
    assert.equal(parseMessage(ExperimentsInSchema, { type: 'rows', rows: [{ ...row, status: 'exploded' }] }), undefined);
    assert.equal(parseMessage(ExperimentsInSchema, { type: 'rows', rows: [{ ...row, best: { step: 1, accuracy: 2 } }] }), undefined);
    assert.equal(parseMessage(ExperimentsOutSchema, { type: 'delete', runDirs: [] }), undefined, 'nothing to delete');
    assert.equal(parseMessage(ExperimentsOutSchema, { type: 'delete', runDirs: '/a' }), undefined);
    assert.equal(parseMessage(ExperimentsOutSchema, { type: 'rm -rf', runDirs: ['/a'] }), undefined);
  });
});
