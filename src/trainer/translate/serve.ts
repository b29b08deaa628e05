/**
 * `dtn serve`: the warm translator. The checkpoint is loaded once; requests (NDJSON on stdin) are
 * answered in order, one response line each with the request's id. A bad request gets an error
 * response and the server goes on; `shutdown` or the end of stdin ends it.
 */
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import { errorCodeOf } from '../../shared/errors';
import { parseServeRequest, type ServeRequest, type ServeResponse } from '../../shared/translateProtocol';
import { planOutputs } from './outputPlan';
import { translateFiles } from './translateFiles';
import type { Translator } from './translator';

async function answer(translator: Translator, req: ServeRequest): Promise<ServeResponse> {
  switch (req.type) {
    case 'ping':
      return { id: req.id, type: 'pong' };
    case 'shutdown':
      return { id: req.id, type: 'bye' };
    case 'translate': {
      const plan = planOutputs(req.inputs, req.out, req.scale, req.modelInput);
      const { results, summary } = await translateFiles(translator, plan, { scale: req.scale });
      return { id: req.id, type: 'translate-done', results, summary };
    }
  }
}

/** Serves until `shutdown` or end of input; resolves with which it was. */
export async function serve(translator: Translator, input: Readable, send: (r: ServeResponse) => void): Promise<'shutdown' | 'eof'> {
  // Lines are taken one at a time: a request is answered before the next is read.
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const parsed = parseServeRequest(line);
    if (!('request' in parsed)) {
      send({ id: parsed.id, type: 'request-error', code: 'REQUEST_INVALID', message: parsed.message });
      continue;
    }
    const req = parsed.request;
    try {
      send(await answer(translator, req));
    } catch (e) {
      send({ id: req.id, type: 'request-error', code: errorCodeOf(e), message: (e as Error).message ?? String(e) });
    }
    if (req.type === 'shutdown') return 'shutdown';
  }
  return 'eof';
}
