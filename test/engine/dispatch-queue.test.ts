// src/engine/dispatch-queue.ts, DESIGN.md `max-concurrent`: runs beyond the limit wait in a fair
// queue: round-robin over tasks, FIFO within a task.
import { describe, expect, test } from 'vitest';
import { DispatchQueue } from '../../src/engine/dispatch-queue.js';

function drain(queue: DispatchQueue<string, string>): string[] {
  const out: string[] = [];
  for (let item = queue.dequeue(); item !== undefined; item = queue.dequeue()) out.push(item);
  return out;
}

describe('DispatchQueue', () => {
  test('round-robin over keys, FIFO within a key', () => {
    const queue = new DispatchQueue<string, string>();
    for (const item of ['a1', 'a2', 'a3', 'a4']) queue.enqueue('a', item);
    queue.enqueue('b', 'b1');
    queue.enqueue('c', 'c1');
    queue.enqueue('b', 'b2');
    expect(queue.size).toBe(7);
    expect(queue.countFor('a')).toBe(4);
    expect(drain(queue)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
    expect(queue.size).toBe(0);
  });

  test('a key that comes back after emptying joins at the end of the rotation', () => {
    const queue = new DispatchQueue<string, string>();
    queue.enqueue('a', 'a1');
    queue.enqueue('b', 'b1');
    expect(queue.dequeue()).toBe('a1');
    queue.enqueue('a', 'a2');
    queue.enqueue('c', 'c1');
    expect(drain(queue)).toEqual(['b1', 'a2', 'c1']);
  });

  test('remove takes out one item; drain empties everything', () => {
    const queue = new DispatchQueue<string, string>();
    queue.enqueue('a', 'a1');
    queue.enqueue('a', 'a2');
    queue.enqueue('b', 'b1');
    expect(queue.remove('a', 'a1')).toBe(true);
    expect(queue.remove('a', 'a1')).toBe(false);
    expect(queue.remove('b', 'b1')).toBe(true);
    expect(queue.countFor('b')).toBe(0);
    expect(queue.size).toBe(1);
    queue.enqueue('c', 'c1');
    expect(queue.drain().sort()).toEqual(['a2', 'c1']);
    expect(queue.size).toBe(0);
    expect(queue.dequeue()).toBeUndefined();
  });
});

test('a lane emptied by remove and filled again waits for a new turn, behind the others', () => {
  const queue = new DispatchQueue<string, string>();
  queue.enqueue('a', 'a1');
  queue.enqueue('b', 'b1');
  expect(queue.remove('a', 'a1')).toBe(true);
  queue.enqueue('a', 'a2');
  queue.enqueue('c', 'c1');
  expect([queue.dequeue(), queue.dequeue(), queue.dequeue(), queue.dequeue()]).toEqual(['b1', 'a2', 'c1', undefined]);
  expect(queue.size).toBe(0);
});

test('10,000 lanes of one item each come out in order, and drain keeps that order too', () => {
  const queue = new DispatchQueue<number, number>();
  for (let i = 0; i < 10_000; i++) queue.enqueue(i, i);
  const out: number[] = [];
  for (let i = 0; i < 5_000; i++) out.push(queue.dequeue() as number);
  expect(out.every((value, index) => value === index)).toBe(true);
  const rest = queue.drain();
  expect([rest.length, rest[0], rest[4_999], queue.size]).toEqual([5_000, 5_000, 9_999, 0]);
});
