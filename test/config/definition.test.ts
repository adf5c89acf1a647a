// When a task's definition changed (issue 14.4): one rule for reload, the store across a restart
// and the engine's replace.
import { describe, expect, test } from 'vitest';
import {
  definitionFingerprint,
  forgetDefinitionFingerprints,
  isSameDefinition,
  isSameTiming,
} from '../../src/config/definition.js';
import { every } from '../support/engine-task.js';
import { makeTask } from '../support/task-spec.js';

describe('definitionFingerprint', () => {
  test('is the same for equal definitions, whatever their key order or place in the file', () => {
    const a = makeTask('job', { env: { A: '1', B: '2' }, source: { file: '/t.yaml', line: 3, column: 3 } });
    const b = { ...makeTask('job', { env: { B: '2', A: '1' }, source: { file: '/t.yaml', line: 40, column: 3 } }) };
    expect(definitionFingerprint(a)).toBe(definitionFingerprint(b));
    expect(definitionFingerprint(a)).toMatch(/^[0-9a-f]{32}$/);
  });

  test.each([
    ['the command', { action: { kind: 'shell', script: 'false', shell: '/bin/sh' } }],
    ['the schedule', { schedule: every('2h') }],
    ['the description', { description: 'nightly' }],
    ['an option', { overlap: 'queue' }],
    ['hold', { hold: true }],
  ] as const)('changes with %s', (_what, change) => {
    expect(definitionFingerprint(makeTask('job', change))).not.toBe(definitionFingerprint(makeTask('job')));
  });

  test('forgotten fingerprints are computed again, the same', () => {
    const spec = makeTask('job', { schedule: every('2h') });
    const before = definitionFingerprint(spec);
    forgetDefinitionFingerprints();
    expect(definitionFingerprint(spec)).toBe(before);
    expect(definitionFingerprint(spec)).toBe(definitionFingerprint({ ...spec }));
  });

  test('a function task hashes by its source', () => {
    const one = makeTask('job', { action: { kind: 'function', fn: () => 1 } });
    const same = makeTask('job', { action: { kind: 'function', fn: () => 1 } });
    const other = makeTask('job', { action: { kind: 'function', fn: () => 2 } });
    expect(definitionFingerprint(one)).toBe(definitionFingerprint(same));
    expect(definitionFingerprint(one)).not.toBe(definitionFingerprint(other));
  });
});

describe('isSameDefinition', () => {
  test('ignores the place in the file and key order, sees any other change', () => {
    const a = makeTask('job', { env: { A: '1', B: '2' }, source: { file: '/t.yaml', line: 3, column: 3 } });
    const moved = makeTask('job', { env: { B: '2', A: '1' }, source: { file: '/t.yaml', line: 9, column: 3 } });
    expect(isSameDefinition(a, moved)).toBe(true);
    expect(isSameDefinition(a, makeTask('job', { env: { A: '1', B: '3' } }))).toBe(false);
    expect(isSameDefinition(a, makeTask('job', { env: { A: '1', B: '2' }, jitterMs: 5 }))).toBe(false);
  });
});

describe('isSameDefinition agrees with definitionFingerprint', () => {
  const base = makeTask('job', { env: { A: '1' } });
  test.each([
    [
      'the same task moved in the file',
      makeTask('job', { env: { A: '1' }, source: { file: '/t.yaml', line: 7, column: 3 } }),
    ],
    [
      'another command',
      makeTask('job', { env: { A: '1' }, action: { kind: 'shell', script: 'false', shell: '/bin/sh' } }),
    ],
    ['a member set to undefined', { ...makeTask('job', { env: { A: '1' } }), extra: undefined } as typeof base],
    ['another env value', makeTask('job', { env: { A: '2' } })],
  ])('%s', (_label, other) => {
    expect(isSameDefinition(base, other)).toBe(definitionFingerprint(base) === definitionFingerprint(other));
  });

  test('function actions: by source, as the fingerprint', () => {
    const one = makeTask('job', { action: { kind: 'function', fn: () => 1 } });
    expect(isSameDefinition(one, makeTask('job', { action: { kind: 'function', fn: () => 1 } }))).toBe(true);
    expect(isSameDefinition(one, makeTask('job', { action: { kind: 'function', fn: () => 2 } }))).toBe(false);
  });
});

describe('isSameTiming', () => {
  test('equal schedule and zone, whatever else changed', () => {
    const base = makeTask('job', { schedule: every('1h'), timezone: 'UTC' });
    expect(isSameTiming(base, makeTask('job', { schedule: every('1h'), timezone: 'UTC', description: 'other' }))).toBe(
      true,
    );
    expect(isSameTiming(base, makeTask('job', { schedule: every('2h'), timezone: 'UTC' }))).toBe(false);
    expect(isSameTiming(base, makeTask('job', { schedule: every('1h'), timezone: 'Europe/Paris' }))).toBe(false);
  });
});
