/**
 * Typed events with listener isolation: a listener that throws is logged and the others still
 * run, so a broken subscriber (a store, a socket client) can never stop the engine.
 */
import type { EngineEventName, EngineEvents, EngineListener } from './events.js';

type Listeners = { [E in EngineEventName]?: readonly EngineListener<E>[] };

export class Emitter {
  #listeners: Listeners = {};
  /** Listeners of all events together. */
  #count = 0;
  readonly #onListenerError: (event: EngineEventName, error: unknown) => void;

  constructor(onListenerError: (event: EngineEventName, error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Subscribe; returns the unsubscribe function (safe to call twice, or during an emit). */
  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void {
    // Copy-on-write: an emit in progress keeps iterating the array it started with.
    this.#set(event, [...this.#get(event), listener]);
    this.#count++;
    return () => {
      const before = this.#get(event);
      const after = before.filter((each) => each !== listener);
      this.#count -= before.length - after.length;
      this.#set(event, after);
    };
  }

  /** Whether anyone listens: lets callers skip building a payload nobody reads. */
  has(event: EngineEventName): boolean {
    return (this.#listeners[event]?.length ?? 0) > 0;
  }

  /** Whether anyone listens to any event (the fast path takes only what nobody sees: fast-fire.ts). */
  get quiet(): boolean {
    return this.#count === 0;
  }

  emit<E extends EngineEventName>(event: E, ...args: EngineEvents[E]): void {
    for (const listener of this.#get(event)) {
      try {
        listener(...args);
      } catch (error) {
        this.#onListenerError(event, error);
      }
    }
  }

  #get<E extends EngineEventName>(event: E): readonly EngineListener<E>[] {
    return this.#listeners[event] ?? [];
  }

  #set<E extends EngineEventName>(event: E, listeners: readonly EngineListener<E>[]): void {
    (this.#listeners as Record<E, readonly EngineListener<E>[]>)[event] = listeners;
  }
}
