/** The webview side of the host bridge: typed postMessage, persisted state, validated incoming messages. */
import type { z } from 'zod';
import { parseMessage } from '../../shared/webviewProtocol';

interface WebviewApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): S;
}
declare function acquireVsCodeApi<S>(): WebviewApi<S>;

export interface HostBridge<Out, S> {
  post(msg: Out): void;
  /** Whatever was saved last time (unvalidated: it may come from an older version of this panel). */
  savedState(): unknown;
  saveState(state: S): void;
}

/** Calls `onMessage` with each host message that passes `schema`; drops (and logs) anything else. */
export function connect<In, Out, S>(schema: z.ZodType<In>, onMessage: (msg: In) => void): HostBridge<Out, S> {
  const api = acquireVsCodeApi<S>();
  window.addEventListener('message', (event: MessageEvent) => {
    const msg = parseMessage(schema, event.data);
    if (msg === undefined) {
      console.warn('[dtn] ignored a malformed message from the host');
      return;
    }
    onMessage(msg);
  });
  return {
    post: (msg) => api.postMessage(msg),
    savedState: () => api.getState(),
    saveState: (s) => void api.setState(s),
  };
}

/** Creates an element with text (never innerHTML with data from the host). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
