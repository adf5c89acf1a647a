// src/engine/heap.ts: the min-heap under the engine's single timer. Ordered by (at, seq) so equal
// instants come out in creation order; set() moves a node in place (decrease/increase-key) and
// delete() removes any node in O(log n), so rescheduling never leaves stale entries behind.
import { describe, expect, test } from 'vitest';
import { MinHeap, type HeapNode } from '../../src/engine/heap.js';

interface Node extends HeapNode {
  readonly name: string;
}

const node = (name: string, seq: number): Node => ({ name, seq, at: 0, heapIndex: -1 });

function drain(heap: MinHeap<Node>): string[] {
  const out: string[] = [];
  for (let next = heap.pop(); next !== undefined; next = heap.pop()) out.push(`${next.name}@${next.at}`);
  return out;
}

describe('MinHeap', () => {
  test('pops by instant, ties in seq order', () => {
    const heap = new MinHeap<Node>();
    heap.set(node('c', 3), 5);
    heap.set(node('a', 1), 5);
    heap.set(node('b', 2), 1);
    heap.set(node('d', 0), 9);
    expect(drain(heap)).toEqual(['b@1', 'a@5', 'c@5', 'd@9']);
  });

  test('set on a node already in the heap moves it, both ways', () => {
    const heap = new MinHeap<Node>();
    const [a, b, c] = [node('a', 0), node('b', 1), node('c', 2)];
    heap.set(a, 10);
    heap.set(b, 20);
    heap.set(c, 30);
    heap.set(c, 5);
    heap.set(a, 40);
    expect(heap.size).toBe(3);
    expect(drain(heap)).toEqual(['c@5', 'b@20', 'a@40']);
  });

  test('delete takes any node out; deleting twice or a stranger is harmless', () => {
    const heap = new MinHeap<Node>();
    const nodes = Array.from({ length: 8 }, (_, i) => node(`n${i}`, i));
    nodes.forEach((each, i) => heap.set(each, (i * 37) % 11));
    heap.delete(nodes[3] as Node);
    heap.delete(nodes[3] as Node);
    heap.delete(node('stranger', 99));
    expect(heap.has(nodes[3] as Node)).toBe(false);
    expect(drain(heap)).toEqual(['n0@0', 'n6@2', 'n1@4', 'n4@5', 'n7@6', 'n2@8', 'n5@9']);
  });

  test('matches a sorted list under 5,000 random operations', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const heap = new MinHeap<Node>();
    const nodes = Array.from({ length: 200 }, (_, i) => node(`n${i}`, i));
    const model = new Map<Node, number>();
    for (let i = 0; i < 5_000; i++) {
      const target = nodes[Math.floor(random() * nodes.length)] as Node;
      if (random() < 0.3) {
        heap.delete(target);
        model.delete(target);
      } else {
        const at = Math.floor(random() * 1_000);
        heap.set(target, at);
        model.set(target, at);
      }
      const min = [...model].sort((x, y) => x[1] - y[1] || x[0].seq - y[0].seq)[0];
      expect(heap.peek()).toBe(min?.[0]);
    }
    const expected = [...model]
      .sort((x, y) => x[1] - y[1] || x[0].seq - y[0].seq)
      .map(([each, at]) => `${each.name}@${at}`);
    expect(drain(heap)).toEqual(expected);
  });
});
