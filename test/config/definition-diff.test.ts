// config/definition-diff.ts: which keys of a task differ, named as the file names them, with values
// in tasks-file syntax, and never a secret's value.
import { describe, expect, test } from 'vitest';
import { diffTaskSpecs, DIFFED_FIELDS, formatByteSize, SECRET_SHOWN } from '../../src/config/definition-diff.js';
import { isSameDefinition } from '../../src/config/definition.js';
import type { TaskSpec } from '../../src/config/types.js';
import { SECRET_PLACEHOLDER } from '../../src/control/secret-env.js';
import { parseDaily } from '../../src/schedule/daily.js';
import { every, makeTask, ms } from '../support/engine-task.js';

const base = makeTask('report', { schedule: every('1h') });
const diff = (overrides: Partial<TaskSpec>, before: TaskSpec = base) =>
  diffTaskSpecs(before, { ...before, ...overrides });

function daily(times: string): TaskSpec['schedule'] {
  const parsed = parseDaily(times);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

test('the same task: no change', () => {
  expect(diffTaskSpecs(base, { ...base })).toEqual([]);
  // Where it sits in the file is no change.
  expect(diff({ source: { file: '/t.yaml', line: 9, column: 3 } })).toEqual([]);
});

describe('one key at a time, named as in the file', () => {
  test.each<[string, Partial<TaskSpec>, string | null, string | null]>([
    ['timeout', { timeoutMs: 600_000 }, null, '10m'],
    ['kill-after', { killAfterMs: 5_000 }, '10s', '5s'],
    ['overlap', { overlap: 'queue' }, 'skip', 'queue'],
    ['jitter', { jitterMs: 30_000 }, '0s', '30s'],
    ['catch-up', { catchUp: 'once' }, 'skip', 'once'],
    ['deadline', { deadlineMs: 3_600_000 }, null, '1h'],
    ['expect-success-within', { expectSuccessWithinMs: 86_400_000 }, null, '1d'],
    ['hold', { hold: true }, 'false', 'true'],
    ['hold-after-failures', { holdAfterFailures: 3 }, null, '3'],
    ['group', { group: 'db' }, null, 'db'],
    ['max-runs', { maxRuns: 5 }, null, '5'],
    ['until', { until: ms('2027-01-01T00:00:00Z') }, null, '2027-01-01 00:00'],
    ['after', { after: ['a', 'b'] }, null, 'a, b'],
    ['after-all', { afterAll: ['a'] }, null, 'a'],
    ['on-success', { onSuccess: ['x'] }, null, 'x'],
    ['on-failure', { onFailure: ['y'] }, null, 'y'],
    ['description', { description: 'nightly' }, null, 'nightly'],
    ['timezone', { timezone: 'Europe/Paris' }, 'UTC', 'Europe/Paris'],
    ['cwd', { cwd: '/srv' }, '/tmp', '/srv'],
    ['env-file', { envFile: '/etc/app.env' }, null, '/etc/app.env'],
    ['history.output-limit', { history: { keep: 200, outputLimitBytes: 1024 * 1024 } }, '256KiB', '1MiB'],
    ['history.keep', { history: { keep: 10, outputLimitBytes: 262_144 } }, '200', '10'],
  ])('%s', (key, overrides, before, after) => {
    expect(diff(overrides)).toEqual([{ key, before, after }]);
  });

  test('retry: each of its keys', () => {
    const retry = { attempts: 3, delayMs: 10_000, backoff: 2, maxDelayMs: 300_000 };
    expect(diff({ retry })).toEqual([
      { key: 'retry.attempts', before: '0', after: '3' },
      { key: 'retry.max-delay', before: '10m', after: '5m' },
    ]);
  });
});

describe('schedule', () => {
  test('in words, as list says it', () => {
    const before = { ...base, schedule: daily('07:00') };
    expect(diff({ schedule: daily('06:30') }, before)).toEqual([
      { key: 'schedule', before: 'daily 07:00', after: 'daily 06:30' },
    ]);
    expect(diff({ schedule: every('5m') })).toEqual([{ key: 'schedule', before: 'every 1h', after: 'every 5m' }]);
    expect(diff({ schedule: { kind: 'on-demand' } })).toEqual([
      { key: 'schedule', before: 'every 1h', after: 'on demand' },
    ]);
  });

  test('every instant of an at (list shortens them to "+2 more")', () => {
    const at = (...instants: string[]): TaskSpec['schedule'] => ({ kind: 'at', instants: instants.map(ms) });
    const before = { ...base, schedule: at('2027-01-01T09:00:00Z', '2027-02-01T09:00:00Z', '2027-03-01T09:00:00Z') };
    const [change] = diff(
      { schedule: at('2027-01-01T09:00:00Z', '2027-02-01T09:00:00Z', '2027-03-02T09:00:00Z') },
      before,
    );
    expect(change).toEqual({
      key: 'schedule',
      before: 'at 2027-01-01 09:00, 2027-02-01 09:00, 2027-03-01 09:00',
      after: 'at 2027-01-01 09:00, 2027-02-01 09:00, 2027-03-02 09:00',
    });
  });

  test('an every anchored elsewhere with the same words says it changed', () => {
    const before = { ...base, schedule: every('1h', undefined, 'UTC') };
    const moved = {
      ...before.schedule,
      anchor: before.schedule.kind === 'every' ? before.schedule.anchor + 60_000 : 0,
    };
    expect(diff({ schedule: moved }, before)).toEqual([
      { key: 'schedule', before: 'every 1h', after: 'every 1h (changed)' },
    ]);
  });
});

describe('what runs', () => {
  test('run and shell', () => {
    expect(diff({ action: { kind: 'shell', script: 'backup.sh', shell: '/bin/bash' } })).toEqual([
      { key: 'run', before: 'true', after: 'backup.sh' },
      { key: 'shell', before: '/bin/sh', after: '/bin/bash' },
    ]);
  });

  test('run -> command: one key goes, the other comes', () => {
    expect(diff({ action: { kind: 'argv', argv: ['node', 'x.js'] } })).toEqual([
      { key: 'run', before: 'true', after: null },
      { key: 'shell', before: '/bin/sh', after: null },
      { key: 'command', before: null, after: '["node","x.js"]' },
    ]);
  });

  test('module, export, args', () => {
    const before = { ...base, action: { kind: 'module', path: '/a/r.js', exportName: 'default', args: null } as const };
    expect(diff({ action: { kind: 'module', path: '/a/r.js', exportName: 'run', args: { n: 1 } } }, before)).toEqual([
      { key: 'export', before: 'default', after: 'run' },
      { key: 'args', before: 'null', after: '{"n":1}' },
    ]);
  });
});

describe('env: per variable, never a secret value', () => {
  const withEnv = { ...base, env: { TOKEN: 'old-secret', MODE: 'a' }, secretEnv: ['TOKEN'] };

  test('a plain value changes, one is added, one removed', () => {
    expect(diff({ env: { TOKEN: 'old-secret', MODE: 'b', NEW: '1' } }, withEnv)).toEqual([
      { key: 'env.MODE', before: 'a', after: 'b' },
      { key: 'env.NEW', before: null, after: '1' },
    ]);
    expect(diff({ env: { TOKEN: 'old-secret' } }, withEnv)).toEqual([{ key: 'env.MODE', before: 'a', after: null }]);
  });

  test('a secret changed: (secret) on both sides, the values nowhere', () => {
    const changes = diff({ env: { TOKEN: 'new-secret', MODE: 'a' } }, withEnv);
    expect(changes).toEqual([{ key: 'env.TOKEN', before: SECRET_SHOWN, after: SECRET_SHOWN }]);
    expect(JSON.stringify(changes)).not.toMatch(/old-secret|new-secret/);
  });

  test('a plain value made secret, a secret removed', () => {
    expect(diff({ secretEnv: ['MODE', 'TOKEN'] }, withEnv)).toEqual([
      { key: 'env.MODE', before: 'a', after: SECRET_SHOWN },
    ]);
    const removed = diff({ env: { MODE: 'a' }, secretEnv: [] }, withEnv);
    expect(removed).toEqual([{ key: 'env.TOKEN', before: SECRET_SHOWN, after: null }]);
  });

  test('reads as show does', () => {
    expect(SECRET_SHOWN).toBe(SECRET_PLACEHOLDER);
  });
});

describe('notify and calendars (no new definition, but reload swaps them in)', () => {
  const notify = {
    target: { kind: 'url', url: 'https://u:pw@hooks.example/a' },
    on: ['failure'],
    after: 1,
    repeatMs: null,
  } as const;

  test('notify, without a URL password', () => {
    const changes = diff({ notify });
    expect(changes).toEqual([
      { key: 'notify', before: null, after: 'url https://***@hooks.example/a (on failure; after 1)' },
    ]);
    expect(isSameDefinition(base, { ...base, notify })).toBe(true);
    // A new password alone: the words are equal, the change is said.
    const newPassword = { ...notify, target: { kind: 'url', url: 'https://u:other@hooks.example/a' } } as const;
    expect(diff({ notify: newPassword }, { ...base, notify })).toEqual([
      {
        key: 'notify',
        before: 'url https://***@hooks.example/a (on failure; after 1)',
        after: 'url https://***@hooks.example/a (on failure; after 1) (changed)',
      },
    ]);
  });

  test('except: names with their dates counted; new dates under the same count', () => {
    const before = { ...base, except: [{ name: 'holidays', days: [20_000, 20_001] }] };
    expect(diff({ except: [{ name: 'holidays', days: [20_000, 20_001, 20_002] }] }, before)).toEqual([
      { key: 'except', before: 'holidays (2 dates)', after: 'holidays (3 dates)' },
    ]);
    expect(diff({ except: [{ name: 'holidays', days: [20_000, 20_005] }] }, before)).toEqual([
      { key: 'except', before: 'holidays (2 dates)', after: 'holidays (2 dates) (changed)' },
    ]);
  });
});

test('several keys come in the key table order', () => {
  const changes = diff({ onFailure: ['page'], timeoutMs: 1_000, schedule: every('2h'), cwd: '/srv' });
  expect(changes.map((change) => change.key)).toEqual(['schedule', 'cwd', 'timeout', 'on-failure']);
});

test('every field of a TaskSpec is compared (a new field needs a key in definition-diff.ts)', () => {
  const full: Required<TaskSpec> = {
    ...makeTask('full'),
    expectSuccessWithinMs: 1,
    holdAfterFailures: 1,
    notify: { target: { kind: 'run', run: 'x' }, on: ['failure'], after: 1, repeatMs: null },
    except: [],
    group: 'g',
    afterAll: [],
    scope: 'host',
    source: { file: 'f', line: 1, column: 1 },
  };
  expect(Object.keys(full).filter((field) => !DIFFED_FIELDS.has(field))).toEqual([]);
});

test('a field the table does not know is still compared, as JSON', () => {
  const future = { ...base, someNewField: 1 } as unknown as TaskSpec;
  expect(diffTaskSpecs(base, future)).toEqual([{ key: 'someNewField', before: null, after: '1' }]);
});

test('sizes as the file writes them', () => {
  expect([262_144, 1024 ** 2, 3 * 1024 ** 3, 1000, 1536].map(formatByteSize)).toEqual([
    '256KiB',
    '1MiB',
    '3GiB',
    '1000B',
    '1536B',
  ]);
});
