// The text definition fingerprints hash (src/config/canonical-json.ts): stored with every task's state,
// so the fast writer must give exactly what the replacer gave, and the fingerprints must not move.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { canonicalJson, canonicalJsonOmitting, replacerJson } from '../../src/config/canonical-json.js';
import { definitionFingerprint } from '../../src/config/definition.js';
import { loadTasksFile } from '../../src/config/load.js';
import type { TaskSpec } from '../../src/config/types.js';

/** A spec written out in full, so that no default of a helper can move its fingerprint. */
const NIGHTLY = {
  name: 'nightly',
  description: 'backup "home" ⏰',
  schedule: { kind: 'cron', expression: '0 3 * * *' },
  timezone: 'Europe/Berlin',
  action: { kind: 'shell', script: 'rsync -a ~/ /backup/\n', shell: '/bin/sh' },
  cwd: '/home/u',
  env: { B: '2', A: '1', '10': 'x', '9': 'y' },
  envFile: null,
  secretEnv: [],
  timeoutMs: 3600000,
  killAfterMs: 10000,
  overlap: 'skip',
  retry: { attempts: 2, delayMs: 10000, backoff: 2, maxDelayMs: 600000 },
  jitterMs: 0,
  catchUp: 'skip',
  deadlineMs: null,
  hold: false,
  maxRuns: null,
  until: null,
  after: [],
  onSuccess: ['report'],
  onFailure: [],
  history: { keep: 200, outputLimitBytes: 262144 },
  source: { file: '/home/u/tasks.yaml', line: 3, column: 3 },
} as unknown as TaskSpec;

describe('definitionFingerprint keeps the values stored by earlier versions', () => {
  // Computed with the replacer and a createHash per task, before the fast writer and the one-shot hash.
  test('a spec of plain data, and one with integer-like env names (left to the replacer)', () => {
    expect(definitionFingerprint({ ...NIGHTLY, env: { B: '2', A: '1' } })).toBe('2d56ca3e751a9f638a1bf6a097f0cb9f');
    expect(definitionFingerprint(NIGHTLY)).toBe('78e9be559221d1b47eb465c39041f641');
  });
});

/** A small deterministic generator (mulberry32), so a failure names a seed that repeats it. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['a', 'B', 'kind', 'é', '\u0000x', '"q"', '10', '9', '0', '01', '4294967295', 'toString', '', 'z z'];
const STRINGS = ['', 'plain', 'quote " and \\', 'line\nbreak', '\u2028\u2029', '\ud800', 'emoji 🙂', '\u001f'];
const NUMBERS = [0, -0, 1, -1.5, 1e21, 1e-7, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, 0.1 + 0.2];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const kind = Math.floor(next() * (depth > 3 ? 6 : 10));
  switch (kind) {
    case 0:
      return pick(STRINGS);
    case 1:
      return pick(NUMBERS);
    case 2:
      return next() < 0.5;
    case 3:
      return null;
    case 4:
      return pick([undefined, Symbol('s')]);
    case 5:
      return pick([
        () => 1,
        function named(): number {
          return 2;
        },
      ]);
    case 6:
    case 7: {
      const items = Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
      if (next() < 0.1) items.length += 1; // a hole
      return items;
    }
    default: {
      const object: Record<string, unknown> = next() < 0.05 ? (Object.create(null) as Record<string, unknown>) : {};
      for (let i = Math.floor(next() * 5); i > 0; i--) object[pick(KEYS)] = value(next, depth + 1);
      if (next() < 0.03) object['toJSON'] = () => 'replaced';
      return object;
    }
  }
}

describe('canonicalJson writes what the replacer writes', () => {
  test('20,000 generated values: every JSON type, undefined, symbols, functions, holes, odd keys and numbers', () => {
    for (let seed = 1; seed <= 20_000; seed++) {
      const generated = value(random(seed), 0);
      expect(canonicalJson(generated), `seed ${seed}`).toBe(replacerJson(generated));
    }
  });

  test('every task of the example tasks file', () => {
    const path = new URL('../../examples/tasks.yaml', import.meta.url).pathname;
    readFileSync(path); // exists
    const file = loadTasksFile(path, { env: { HOME: '/home/u', PATH: '/usr/bin' } });
    expect(file.tasks.length).toBeGreaterThan(0);
    for (const spec of file.tasks) expect(canonicalJson(spec)).toBe(replacerJson(spec));
  });

  test('canonicalJsonOmitting writes what the replacer writes for a copy without those keys', () => {
    const omit = new Set(['a', 'kind', '10']);
    let objects = 0;
    for (let seed = 1; seed <= 20_000; seed++) {
      const generated = value(random(seed), 0);
      if (typeof generated !== 'object' || generated === null || Array.isArray(generated)) continue;
      objects++;
      const copy = Object.fromEntries(Object.entries(generated).filter(([key]) => !omit.has(key)));
      expect(canonicalJsonOmitting(generated, omit), `seed ${seed}`).toBe(replacerJson(copy));
    }
    expect(objects).toBeGreaterThan(1000);
  });

  test('a value JSON cannot write throws as JSON.stringify does', () => {
    expect(() => canonicalJson({ big: 1n })).toThrow(TypeError);
  });
});
