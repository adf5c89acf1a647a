// runner/spawner-client.ts endsLater: whether a run's end came later in the same read of the
// spawner's events, which its pid is told with (spawned-run.ts then tells the pid after the end).
import { expect, test } from 'vitest';
import { endsLater } from '../../src/runner/spawner-client.js';
import type { SpawnerEvent } from '../../src/runner/spawn-protocol.js';

const pid = (id: number): SpawnerEvent => ({ kind: 'pid', id, pid: 1000 + id });
const exit = (id: number): SpawnerEvent => ({ kind: 'exit', id, exitCode: 0, signal: null });
const end = (id: number): SpawnerEvent => ({ kind: 'end', id, output: '', outputTruncated: false, outputBytes: 0 });

test('a pid whose run ends later in the read', () => {
  expect(endsLater([pid(1), exit(1), end(1)], 0)).toBe(true);
  expect(endsLater([end(2), pid(1), end(1)], 1)).toBe(true);
});

test('a pid alone, with another run ending, or after its run ended (a stale frame)', () => {
  expect(endsLater([pid(1)], 0)).toBe(false);
  expect(endsLater([pid(1), exit(1)], 0)).toBe(false);
  expect(endsLater([pid(1), end(2)], 0)).toBe(false);
  expect(endsLater([end(1), pid(1)], 1)).toBe(false);
});
