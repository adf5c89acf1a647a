/**
 * The max-concurrent wait queue: round-robin over tasks, FIFO within a task (DESIGN.md
 * `max-concurrent`), so one task with 500 queued runs cannot starve a task with one.
 */

/** A fair queue of items grouped by an owner key (a task). */
export class DispatchQueue<K, T> {
  // Map iteration order is insertion order: the first key is whose turn it is; a key that got a
  // turn and still has items is re-inserted at the end.
  readonly #byKey = new Map<K, T[]>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Items waiting for `key`. */
  countFor(key: K): number {
    return this.#byKey.get(key)?.length ?? 0;
  }

  enqueue(key: K, item: T): void {
    const items = this.#byKey.get(key);
    if (items === undefined) this.#byKey.set(key, [item]);
    else items.push(item);
    this.#size++;
  }

  /** The next item in round-robin order, or undefined when empty. */
  dequeue(): T | undefined {
    const first = this.#byKey.entries().next();
    if (first.done === true) return undefined;
    const [key, items] = first.value;
    const item = items.shift() as T;
    this.#byKey.delete(key);
    if (items.length > 0) this.#byKey.set(key, items);
    this.#size--;
    return item;
  }

  /** Take one item out of the queue (a cancelled run); false if it was not queued. */
  remove(key: K, item: T): boolean {
    const items = this.#byKey.get(key);
    const index = items?.indexOf(item) ?? -1;
    if (items === undefined || index < 0) return false;
    items.splice(index, 1);
    if (items.length === 0) this.#byKey.delete(key);
    this.#size--;
    return true;
  }

  /** Take out and return everything (shutdown). */
  drain(): T[] {
    const all = [...this.#byKey.values()].flat();
    this.#byKey.clear();
    this.#size = 0;
    return all;
  }
}
