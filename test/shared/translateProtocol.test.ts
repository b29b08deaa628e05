import * as assert from 'node:assert/strict';
import { parseServeRequest, parseServeResponse, parseTranslateLine } from '../../src/shared/translateProtocol';

describe('translate protocol', () => {
  it('parses requests, and says why a bad one is bad, keeping its id when it has one', () => {
    assert.deepEqual(parseServeRequest('{"id":1,"type":"ping"}'), { request: { id: 1, type: 'ping' } });
    const t = parseServeRequest('{"id":"x","type":"translate","inputs":["a.png"],"out":"o","scale":4}');
    assert.ok('request' in t && t.request.type === 'translate' && t.request.scale === 4);
    const bad = parseServeRequest('{"id":"x","type":"translate","inputs":["a.png"],"out":"o","scale":1}');
    assert.ok(!('request' in bad) && bad.id === 'x' && /scale/.test(bad.message));
    const unknown = parseServeRequest('{"id":3,"type":"dance"}');
    assert.ok(!('request' in unknown) && unknown.id === 3);
    const junk = parseServeRequest('nope');
    assert.ok(!('request' in junk) && junk.id === null && /not JSON/.test(junk.message));
  });

  it('validates responses and translate lines; unknown error codes read as INTERNAL', () => {
    assert.equal(parseServeResponse('{"id":1,"type":"pong"}')?.type, 'pong');
    assert.equal(parseServeResponse('{"type":"pong"}'), undefined);
    const err = parseServeResponse('{"id":null,"type":"request-error","code":"NEW_CODE","message":"m"}');
    assert.ok(err?.type === 'request-error' && err.code === 'INTERNAL');
    assert.equal(parseTranslateLine('{"type":"translated","input":"a","output":"b"}')?.type, 'translated');
    assert.equal(parseTranslateLine('{"type":"translate-summary","translated":1,"failed":0,"failures":[],"seconds":-1}'), undefined);
  });
});
