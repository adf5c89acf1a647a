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
      const before = node.at;
      node.at = at;
      if (at < before) this.#up(node.heapIndex);
      else this.#down(node.heapIndex);
      return;
    }
    node.at = at;
    node.heapIndex = this.#items.length;
    this.#items.push(node);
    this.#up(node.heapIndex);
  }

  /** Take `node` out; a node that is not in the heap is ignored. */
  delete(node: T): void {
    if (!this.has(node)) return;
    const index = node.heapIndex;
    const last = this.#items.pop() as T;
    node.heapIndex = -1;
    if (last === node) return;
    this.#items[index] = last;
    last.heapIndex = index;
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

  #less(a: T, b: T): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #up(start: number): void {
    const items = this.#items;
    const node = items[start] as T;
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex] as T;
      if (!this.#less(node, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = node;
    node.heapIndex = index;
  }

  #down(start: number): void {
    const items = this.#items;
    const length = items.length;
    const node = items[start] as T;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.#less(items[right] as T, items[left] as T)) child = right;
      const childNode = items[child] as T;
      if (!this.#less(childNode, node)) break;
      items[index] = childNode;
      childNode.heapIndex = index;
      index = child;
    }
    items[index] = node;
    node.heapIndex = index;
  }
}
