// src/engine/policies/overlap.ts, DESIGN.md task options `overlap`: skip | queue (at most 100) | replace | allow.
import { describe, expect, test } from 'vitest';
import { decideOverlap, MAX_QUEUED_PER_TASK } from '../../../src/engine/policies/overlap.js';

describe('decideOverlap', () => {
  test.each(['skip', 'queue', 'replace', 'allow'] as const)('%s with nothing going: start', (policy) => {
    expect(decideOverlap(policy, null, 0)).toEqual({ action: 'start' });
  });

  test('skip names the colliding run and whether it runs or waits', () => {
    expect(decideOverlap('skip', { id: 7, status: 'running' }, 0)).toEqual({
      action: 'skip',
      reason: 'previous run #7 still running (overlap: skip)',
    });
    expect(decideOverlap('skip', { id: 8, status: 'queued' }, 0)).toEqual({
      action: 'skip',
      reason: 'previous run #8 still queued (overlap: skip)',
    });
  });

  test('queue up to 100 waiting, then skip', () => {
    expect(MAX_QUEUED_PER_TASK).toBe(100);
    expect(decideOverlap('queue', { id: 1, status: 'running' }, 99)).toEqual({ action: 'queue' });
    expect(decideOverlap('queue', { id: 1, status: 'running' }, 100)).toEqual({
      action: 'skip',
      reason: '100 runs already waiting (overlap: queue)',
    });
  });

  test('replace and allow', () => {
    expect(decideOverlap('replace', { id: 1, status: 'running' }, 0)).toEqual({ action: 'replace' });
    expect(decideOverlap('allow', { id: 1, status: 'running' }, 100)).toEqual({ action: 'start' });
  });
});
