// src/engine/emitter.ts: typed events; a listener that throws is reported and the others still run
// (engine brief: "Listener exceptions must not break the engine"); unsubscribing during an emit is safe.
import { describe, expect, test } from 'vitest';
import { Emitter } from '../../src/engine/emitter.js';

describe('Emitter', () => {
  test('listeners run in subscription order; a throwing one is reported and skipped', () => {
    const errors: [string, unknown][] = [];
    const emitter = new Emitter((event, error) => errors.push([event, error]));
    const seen: string[] = [];
    emitter.on('clock-jump', (ms) => seen.push(`first ${ms}`));
    emitter.on('clock-jump', () => {
      throw new Error('boom');
    });
    emitter.on('clock-jump', (ms) => seen.push(`third ${ms}`));
    emitter.emit('clock-jump', 5_000);
    expect(seen).toEqual(['first 5000', 'third 5000']);
    expect(errors).toEqual([['clock-jump', new Error('boom')]]);
  });

  test('unsubscribe, even from inside an emit, affects the next emit only; has() reflects it', () => {
    const emitter = new Emitter(() => {});
    const seen: number[] = [];
    const off = emitter.on('clock-jump', (ms) => {
      seen.push(ms);
      off();
    });
    emitter.on('clock-jump', (ms) => seen.push(-ms));
    expect(emitter.has('clock-jump')).toBe(true);
    expect(emitter.has('run-started')).toBe(false);
    emitter.emit('clock-jump', 1);
    emitter.emit('clock-jump', 2);
    off();
    expect(seen).toEqual([1, -1, -2]);
  });
});
