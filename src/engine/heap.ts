/**
 * An indexed binary min-heap: every node knows its own slot, so a task's next instant can be
 * moved or removed in O(log n) without searching (decrease-key instead of lazy tombstones, so
 * 10,000 rescheduled tasks never leave 10,000 dead entries behind).
 */

/** Something with a due instant. `seq` breaks ties: equal instants come out in creation order. */
export interface HeapNode {
  at: number;
  readonly seq: number;
  /** Slot in the heap array, or -1 when the node is not in the heap. Owned by the heap. */
  heapIndex: number;
}

/** Min-heap ordered by (at, seq). */
export class MinHeap<T extends HeapNode> {
  readonly #items: T[] = [];
  /**
   * Each slot's (at, seq), beside #items: comparisons read these flat arrays, not the nodes and the
   * boxed numbers they hold (a wake at 10,000 due tasks pops 10,000 nodes: about half of the time
   * taken to enter their functions went to those reads, issue 20).
   */
  #at = new Float64Array(16);
  #seq = new Float64Array(16);

  get size(): number {
    return this.#items.length;
  }

  /** The earliest node, or undefined when empty. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Whether `node` is in this heap. */
  has(node: T): boolean {
    return node.heapIndex >= 0 && this.#items[node.heapIndex] === node;
  }

  /** Insert `node`, or move it if it is already in the heap. */
  set(node: T, at: number): void {
    if (this.has(node)) {
      const index = node.heapIndex;
      const before = this.#at[index] as number;
      node.at = at;
      this.#at[index] = at;
      if (at < before) this.#up(index);
      else this.#down(index);
      return;
    }
    node.at = at;
    const index = this.#items.length;
    if (index === this.#at.length) this.#grow();
    this.#items.push(node);
    this.#place(node, index, at, node.seq);
    this.#up(index);
  }

  /** Take `node` out; a node that is not in the heap is ignored. */
  delete(node: T): void {
    if (!this.has(node)) return;
    const index = node.heapIndex;
    const lastIndex = this.#items.length - 1;
    const last = this.#items.pop() as T;
    node.heapIndex = -1;
    if (last === node) return;
    this.#place(last, index, this.#at[lastIndex] as number, this.#seq[lastIndex] as number);
    this.#up(index);
    this.#down(last.heapIndex);
  }

  /** Remove and return the earliest node. */
  pop(): T | undefined {
    const first = this.#items[0];
    if (first !== undefined) this.delete(first);
    return first;
  }

  /** Every node, in no particular order (for rare whole-heap passes such as a clock step back). */
  nodes(): readonly T[] {
    return this.#items;
  }

  #place(node: T, index: number, at: number, seq: number): void {
    this.#items[index] = node;
    this.#at[index] = at;
    this.#seq[index] = seq;
    node.heapIndex = index;
  }

  #grow(): void {
    const at = new Float64Array(this.#at.length * 2);
    const seq = new Float64Array(this.#seq.length * 2);
    at.set(this.#at);
    seq.set(this.#seq);
    this.#at = at;
    this.#seq = seq;
  }

  #up(start: number): void {
    const items = this.#items;
    const ats = this.#at;
    const seqs = this.#seq;
    const node = items[start] as T;
    const at = ats[start] as number;
    const seq = seqs[start] as number;
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parentAt = ats[parentIndex] as number;
      if (!(at < parentAt || (at === parentAt && seq < (seqs[parentIndex] as number)))) break;
      this.#place(items[parentIndex] as T, index, parentAt, seqs[parentIndex] as number);
      index = parentIndex;
    }
    this.#place(node, index, at, seq);
  }

  #down(start: number): void {
    const items = this.#items;
    const ats = this.#at;
    const seqs = this.#seq;
    const length = items.length;
    const node = items[start] as T;
    const at = ats[start] as number;
    const seq = seqs[start] as number;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      let childAt = ats[left] as number;
      if (right < length) {
        const rightAt = ats[right] as number;
        if (rightAt < childAt || (rightAt === childAt && (seqs[right] as number) < (seqs[left] as number))) {
          child = right;
          childAt = rightAt;
        }
      }
      const childSeq = seqs[child] as number;
      if (!(childAt < at || (childAt === at && childSeq < seq))) break;
      this.#place(items[child] as T, index, childAt, childSeq);
      index = child;
    }
    this.#place(node, index, at, seq);
  }
}
