/**
 * The max-concurrent wait queue: round-robin over tasks, FIFO within a task (DESIGN.md
 * `max-concurrent`), so one task with 500 queued runs cannot starve a task with one.
 */

interface Lane<T> {
  readonly items: T[];
  /** The ticket of this lane's place in the turn order; older tickets for it are stale. */
  ticket: number;
}

/** A fair queue of items grouped by an owner key (a task). */
export class DispatchQueue<K, T> {
  readonly #lanes = new Map<K, Lane<T>>();
  // Whose turn it is: [key, ticket] from `#head` on. A lane taken out (drained, removed) leaves its
  // ticket behind, skipped when reached. (A Map re-inserted per turn, as before, made each dequeue
  // scan the deleted entries at the Map's front: 10,000 tasks due at once spent more time there
  // than in running them.)
  #turns: [K, number][] = [];
  #head = 0;
  #nextTicket = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Items waiting for `key`. */
  countFor(key: K): number {
    return this.#lanes.get(key)?.items.length ?? 0;
  }

  enqueue(key: K, item: T): void {
    const lane = this.#lanes.get(key);
    if (lane !== undefined) lane.items.push(item);
    else this.#lanes.set(key, this.#giveTurn(key, { items: [item], ticket: 0 }));
    this.#size++;
  }

  /** The next item in round-robin order, or undefined when empty. */
  dequeue(): T | undefined {
    while (this.#head < this.#turns.length) {
      const [key, ticket] = this.#turns[this.#head++] as [K, number];
      const lane = this.#lanes.get(key);
      if (lane === undefined || lane.ticket !== ticket) continue;
      const item = lane.items.shift() as T;
      if (lane.items.length > 0) this.#giveTurn(key, lane);
      else this.#lanes.delete(key);
      this.#size--;
      this.#compact();
      return item;
    }
    return undefined;
  }

  /** Take one item out of the queue (a cancelled run); false if it was not queued. */
  remove(key: K, item: T): boolean {
    const lane = this.#lanes.get(key);
    const index = lane?.items.indexOf(item) ?? -1;
    if (lane === undefined || index < 0) return false;
    lane.items.splice(index, 1);
    if (lane.items.length === 0) this.#lanes.delete(key);
    this.#size--;
    return true;
  }

  /** Take out and return everything (shutdown). */
  drain(): T[] {
    const all: T[] = [];
    for (let index = this.#head; index < this.#turns.length; index++) {
      const [key, ticket] = this.#turns[index] as [K, number];
      const lane = this.#lanes.get(key);
      if (lane !== undefined && lane.ticket === ticket) all.push(...lane.items);
    }
    this.#lanes.clear();
    this.#turns = [];
    this.#head = 0;
    this.#size = 0;
    return all;
  }

  /** Put `lane` at the end of the turn order. */
  #giveTurn(key: K, lane: Lane<T>): Lane<T> {
    lane.ticket = this.#nextTicket++;
    this.#turns.push([key, lane.ticket]);
    return lane;
  }

  /** Drop the turns already taken once they are most of the array. */
  #compact(): void {
    if (this.#head >= 1024 && this.#head * 2 >= this.#turns.length) {
      this.#turns = this.#turns.slice(this.#head);
      this.#head = 0;
    }
  }
}
