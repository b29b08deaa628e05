/** A tiny typed event emitter shaped like vscode.Event, so vscode-free modules can be tested with mocha. */
export interface Disposable {
  dispose(): void;
}
export type Event<T> = (listener: (e: T) => void) => Disposable;

export class Emitter<T> {
  private listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        // One faulty listener must not starve the others (or kill the trainer's reader loop).
        console.error('[dtn] listener failed', err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
