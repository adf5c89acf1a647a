// Concurrency groups in the tasks file (config/groups.ts): `settings.groups` limits and a task's
// `group:`, each problem at its line and column, an unknown name with a did-you-mean.
import { describe, expect, test } from 'vitest';
import { definitionFingerprint } from '../../src/config/definition.js';
import { fileOf, issuesOf, summarize } from '../support/config-issues.js';

describe('settings.groups', () => {
  test('names map to their limits; a task names its group; a group no task names is fine', () => {
    const file = fileOf([
      'settings:',
      '  groups: { db: 1, network: 3, spare: 2 }',
      'tasks:',
      '  backup: { run: ./backup.sh, group: db }',
      '  mirror: { run: ./mirror.sh, group: network }',
      '  free: { run: ./free.sh }',
    ]);
    expect(file.settings.groups).toEqual({ db: 1, network: 3, spare: 2 });
    expect(file.tasks.map((task) => task.group)).toEqual(['db', 'network', undefined]);
    expect(file.warnings).toEqual([]);
  });

  test('no groups: an empty map', () => {
    expect(fileOf(['tasks:', '  a: { run: x }']).settings.groups).toEqual({});
  });

  test('a limit that is not a whole number of at least 1, at the value', () => {
    expect(
      summarize(
        issuesOf([
          'settings:',
          '  groups:',
          '    db: 0',
          '    net: 1.5',
          '    io: "2"',
          '    ok: 4',
          'tasks:',
          '  a: { run: x, group: db }',
        ]),
      ),
    ).toEqual([
      ['invalid-value', 3, 9, null, 'expected a whole number of at least 1, got 0'],
      ['invalid-value', 4, 10, null, 'expected a whole number of at least 1, got 1.5'],
      ['invalid-value', 5, 9, null, 'expected a whole number of at least 1, got "2"'],
    ]);
  });

  test('not a map, or a name a task could not have, at the value or the key', () => {
    expect(summarize(issuesOf(['settings:', '  groups: [db]', 'tasks:', '  a: { run: x }']))).toEqual([
      ['invalid-value', 2, 11, null, 'expected a map of group names to limits ({db: 1}), got a list'],
    ]);
    const issues = issuesOf(['settings:', '  groups: { "d b": 1 }', 'tasks:', '  a: { run: x }']);
    expect(summarize(issues).map(([code, line, column]) => [code, line, column])).toEqual([['invalid-value', 2, 13]]);
    expect(issues[0]?.message).toMatch(/^invalid group name: .* got "d b"$/);
  });
});

describe("a task's group", () => {
  test('an unknown name: at the value, with the closest group', () => {
    expect(
      summarize(
        issuesOf([
          'settings:',
          '  groups: { database: 1, network: 3 }',
          'tasks:',
          '  backup:',
          '    run: ./backup.sh',
          '    group: databse',
          '  sync: { run: ./sync.sh, group: zzz }',
        ]),
      ),
    ).toEqual([
      ['unknown-group', 6, 12, 'backup', 'unknown group "databse" (did you mean "database")'],
      ['unknown-group', 7, 34, 'sync', 'unknown group "zzz" (settings.groups defines "database", "network")'],
    ]);
  });

  test('with no groups at all, says so', () => {
    expect(summarize(issuesOf(['tasks:', '  a:', '    run: x', '    group: db']))).toEqual([
      ['unknown-group', 4, 12, 'a', 'unknown group "db" (settings.groups defines none)'],
    ]);
  });

  test('a group whose limit is wrong is not also unknown to its tasks', () => {
    const issues = issuesOf(['settings:', '  groups: { db: -1 }', 'tasks:', '  a: { run: x, group: db }']);
    expect(issues.map((issue) => issue.code)).toEqual(['invalid-value']);
  });

  test('not a name', () => {
    expect(summarize(issuesOf(['settings:', '  groups: { db: 1 }', 'tasks:', '  a: { run: x, group: 5 }']))).toEqual([
      ['invalid-value', 4, 23, 'a', 'expected a group name of settings.groups, got 5'],
    ]);
  });

  test('absent when not given, so a task without it keeps its fingerprint', () => {
    const [plain, grouped] = fileOf([
      'settings:',
      '  groups: { db: 1 }',
      'tasks:',
      '  plain: { run: x }',
      '  grouped: { run: x, group: db }',
    ]).tasks;
    expect(plain !== undefined && 'group' in plain).toBe(false);
    const without = fileOf(['tasks:', '  plain: { run: x }']).tasks[0];
    expect(definitionFingerprint(plain!)).toBe(definitionFingerprint(without!));
    expect(definitionFingerprint({ ...plain!, group: 'db' })).not.toBe(definitionFingerprint(plain!));
    expect(grouped?.group).toBe('db');
  });
});
