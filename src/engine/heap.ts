/**
 * An indexed 4-ary min-heap: every node knows its own key in the heap, so a task's next instant
 * can be moved or removed in O(log n) without searching (decrease-key instead of lazy tombstones,
 * so 10,000 rescheduled tasks never leave 10,000 dead entries behind).
 *
 * Sifting touches typed arrays only, never the nodes: each slot's (at, seq, key) and each key's
 * slot live in flat arrays. A wake at 10,000 due tasks pops 10,000 nodes, each pop moving ~13 slots;
 * writing each moved node's own slot index into it reached 13 objects spread over the heap per pop
 * (issue 20: the pops were a third of the time taken to enter 10,000 functions).
 */

/** Something with a due instant. `seq` breaks ties: equal instants come out in creation order. */
export interface HeapNode {
  at: number;
  readonly seq: number;
  /** The node's key in the heap (not its slot), or -1 when the node is not in the heap. Owned by the heap. */
  heapIndex: number;
}

const INITIAL_CAPACITY = 16;

/**
 * Children per slot: four, side by side, so a pop of 10,000 moves through 7 levels rather than 13,
 * each level's children in one or two cache lines of #at.
 */
const ARITY = 4;

/** Min-heap ordered by (at, seq). */
export class MinHeap<T extends HeapNode> {
  #size = 0;
  /** The node of each key in use; null for a free key. */
  readonly #nodes: (T | null)[] = [];
  /** Keys given back by deleted nodes, reused first. */
  readonly #freeKeys: number[] = [];
  // By slot: the heap itself.
  #at = new Float64Array(INITIAL_CAPACITY);
  #seq = new Float64Array(INITIAL_CAPACITY);
  #key = new Int32Array(INITIAL_CAPACITY);
  /** By key: the slot its node is in. */
  #slotOf = new Int32Array(INITIAL_CAPACITY);

  get size(): number {
    return this.#size;
  }

  /** The earliest node, or undefined when empty. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : (this.#nodes[this.#key[0] as number] as T);
  }

  /** The earliest node's instant (Infinity when empty), read from the heap's own array, not the node. */
  peekAt(): number {
    return this.#size === 0 ? Infinity : (this.#at[0] as number);
  }

  /** Whether `node` is in this heap. */
  has(node: T): boolean {
    return node.heapIndex >= 0 && this.#nodes[node.heapIndex] === node;
  }

  /** Insert `node`, or move it if it is already in the heap. */
  set(node: T, at: number): void {
    node.at = at;
    if (this.has(node)) {
      const slot = this.#slotOf[node.heapIndex] as number;
      const before = this.#at[slot] as number;
      this.#at[slot] = at;
      if (at < before) this.#up(slot);
      else this.#down(slot);
      return;
    }
    const slot = this.#size;
    if (slot === this.#at.length) this.#growSlots();
    const key = this.#takeKey(node);
    this.#size++;
    this.#place(key, slot, at, node.seq);
    this.#up(slot);
  }

  /** Take `node` out; a node that is not in the heap is ignored. */
  delete(node: T): void {
    if (!this.has(node)) return;
    const key = node.heapIndex;
    const slot = this.#slotOf[key] as number;
    node.heapIndex = -1;
    this.#nodes[key] = null;
    this.#freeKeys.push(key);
    const last = --this.#size;
    if (slot === last) return;
    const moved = this.#key[last] as number;
    this.#place(moved, slot, this.#at[last] as number, this.#seq[last] as number);
    this.#up(slot);
    this.#down(this.#slotOf[moved] as number);
  }

  /** Remove and return the earliest node. */
  pop(): T | undefined {
    const first = this.peek();
    if (first !== undefined) this.delete(first);
    return first;
  }

  /** Every node, in no particular order (for rare whole-heap passes such as a clock step back). */
  nodes(): readonly T[] {
    const nodes: T[] = [];
    for (let slot = 0; slot < this.#size; slot++) nodes.push(this.#nodes[this.#key[slot] as number] as T);
    return nodes;
  }

  /** A key for `node`, which it holds while in the heap. */
  #takeKey(node: T): number {
    let key = this.#freeKeys.pop();
    if (key === undefined) {
      key = this.#nodes.length;
      this.#nodes.push(null);
      if (key === this.#slotOf.length) {
        const slotOf = new Int32Array(key * 2);
        slotOf.set(this.#slotOf);
        this.#slotOf = slotOf;
      }
    }
    this.#nodes[key] = node;
    node.heapIndex = key;
    return key;
  }

  #place(key: number, slot: number, at: number, seq: number): void {
    this.#key[slot] = key;
    this.#at[slot] = at;
    this.#seq[slot] = seq;
    this.#slotOf[key] = slot;
  }

  #growSlots(): void {
    const capacity = this.#at.length * 2;
    const at = new Float64Array(capacity);
    const seq = new Float64Array(capacity);
    const key = new Int32Array(capacity);
    at.set(this.#at);
    seq.set(this.#seq);
    key.set(this.#key);
    this.#at = at;
    this.#seq = seq;
    this.#key = key;
  }

  #up(start: number): void {
    const ats = this.#at;
    const seqs = this.#seq;
    const keys = this.#key;
    const key = keys[start] as number;
    const at = ats[start] as number;
    const seq = seqs[start] as number;
    let slot = start;
    while (slot > 0) {
      const parent = ((slot - 1) / ARITY) | 0;
      const parentAt = ats[parent] as number;
      if (!(at < parentAt || (at === parentAt && seq < (seqs[parent] as number)))) break;
      this.#place(keys[parent] as number, slot, parentAt, seqs[parent] as number);
      slot = parent;
    }
    this.#place(key, slot, at, seq);
  }

  #down(start: number): void {
    const ats = this.#at;
    const seqs = this.#seq;
    const keys = this.#key;
    const size = this.#size;
    const key = keys[start] as number;
    const at = ats[start] as number;
    const seq = seqs[start] as number;
    let slot = start;
    for (;;) {
      const first = ARITY * slot + 1;
      if (first >= size) break;
      // The earliest of the (up to) ARITY children, which sit side by side.
      let child = first;
      let childAt = ats[first] as number;
      let childSeq = seqs[first] as number;
      const end = Math.min(first + ARITY, size);
      for (let other = first + 1; other < end; other++) {
        const otherAt = ats[other] as number;
        if (otherAt < childAt || (otherAt === childAt && (seqs[other] as number) < childSeq)) {
          child = other;
          childAt = otherAt;
          childSeq = seqs[other] as number;
        }
      }
      if (!(childAt < at || (childAt === at && childSeq < seq))) break;
      this.#place(keys[child] as number, slot, childAt, childSeq);
      slot = child;
    }
    this.#place(key, slot, at, seq);
  }
}
