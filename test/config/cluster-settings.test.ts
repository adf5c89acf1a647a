// settings.cluster (config/cluster-settings.ts, ../shared/CLUSTER.md): the store URL (no password in
// the file; $NAME reads it from the daemon's environment), the name, the liveness timings and their
// rules, settings.timezone required; every error coded at its line and column.
import { describe, expect, test } from 'vitest';
import { resolveClusterStore, storeProblem } from '../../src/config/cluster-settings.js';
import { fileOf, issuesOf, summarize } from '../support/config-issues.js';

/** A file in cluster mode: `cluster` lines (at 4 spaces) under settings, zone given unless `zone` is null. */
function clusterFile(cluster: readonly string[], zone: string | null = 'Europe/Berlin'): string[] {
  return [
    'settings:',
    ...(zone === null ? [] : [`  timezone: ${zone}`]),
    '  cluster:',
    ...cluster.map((line) => `    ${line}`),
    'tasks:',
    '  a: { every: 1m, run: x }',
  ];
}

describe('a valid cluster', () => {
  test('store alone: the defaults (name taskkit, beat 5s, gone-after 2 x beat, lease 30s)', () => {
    expect(fileOf(clusterFile(['store: postgres://taskkit@db.example/jobs'])).settings.cluster).toEqual({
      store: 'postgres://taskkit@db.example/jobs',
      name: 'taskkit',
      beatMs: 5_000,
      goneAfterMs: 10_000,
      leaseMs: 30_000,
    });
  });

  test('every key; gone-after follows a given beat', () => {
    const lines = ['store: postgresql:///jobs?host=/run/pg', 'name: ops_2', 'beat: 1s', 'lease: 5s'];
    expect(fileOf(clusterFile(lines)).settings.cluster).toEqual({
      store: 'postgresql:///jobs?host=/run/pg',
      name: 'ops_2',
      beatMs: 1_000,
      goneAfterMs: 2_000,
      leaseMs: 5_000,
    });
    expect(fileOf(clusterFile([...lines, 'gone-after: 3s'])).settings.cluster?.goneAfterMs).toBe(3_000);
  });

  test("libpq's Unix-socket form, a user and no host before the path, as pg and psql take it", () => {
    const store = 'postgresql://taskkit@/jobs?host=/run/postgresql&port=5433';
    expect(fileOf(clusterFile([`store: "${store}"`])).settings.cluster?.store).toBe(store);
    expect(resolveClusterStore('$DB', { DB: store })).toEqual({ ok: true, url: store });
    expect(storeProblem('postgres://taskkit:s3cret@/jobs?host=/run/postgresql')).toBe(
      'the store URL postgres://taskkit:***@/jobs?host=/run/postgresql carries a password: put it in ~/.pgpass ' +
        'or PGPASSWORD (or write store: $NAME to read the URL from cluster.env-file or ' +
        "the daemon's environment), not in the tasks file",
    );
  });

  test('$NAME is kept as written: the daemon reads the variable at start', () => {
    expect(fileOf(clusterFile(['store: $TASKKIT_DB'])).settings.cluster?.store).toBe('$TASKKIT_DB');
  });

  test('without cluster: no cluster key at all', () => {
    expect('cluster' in fileOf(['tasks:', '  a: { every: 1m, run: x }']).settings).toBe(false);
  });
});

describe('errors, at their line and column', () => {
  test('a password in the URL is refused, and not repeated', () => {
    const rows = summarize(issuesOf(clusterFile(['store: postgres://taskkit:s3cret@db.example/jobs'])));
    expect(rows).toEqual([
      [
        'invalid-value',
        4,
        12,
        null,
        'the store URL postgres://taskkit:***@db.example/jobs carries a password: put it in ~/.pgpass or ' +
          'PGPASSWORD (or write store: $NAME to read the URL from cluster.env-file or ' +
          "the daemon's environment), not in the tasks file",
      ],
    ]);
    expect(JSON.stringify(rows)).not.toContain('s3cret');
    expect(storeProblem('postgres://db.example/jobs?password=s3cret')).toMatch(/carries a password/);
  });

  test.each([
    [
      'mysql://db/jobs',
      'expected a postgres:// or postgresql:// URL (postgres://taskkit@db.example/jobs) or $NAME, got a mysql: URL',
    ],
    [
      'db.example',
      'expected a postgres:// or postgresql:// URL (postgres://taskkit@db.example/jobs) or $NAME, got "db.example"',
    ],
    [
      'TASKKIT_PG',
      'expected a postgres:// or postgresql:// URL (postgres://taskkit@db.example/jobs) or $NAME, got "TASKKIT_PG" ' +
        '(did you mean "$TASKKIT_PG"?)',
    ],
    ['$1DB', 'expected $NAME (an environment variable: letters, digits and _), got "$1DB"'],
    ['${DB}', 'expected $NAME (an environment variable: letters, digits and _), got "${DB}" (did you mean "$DB"?)'],
  ])('store %s', (store, message) => {
    expect(summarize(issuesOf(clusterFile([`store: "${store}"`])))).toEqual([['invalid-value', 4, 12, null, message]]);
  });

  test('store missing; an unknown key with did-you-mean', () => {
    expect(summarize(issuesOf(clusterFile(['nmae: ops'])))).toEqual([
      ['unknown-key', 4, 5, null, 'unknown key "nmae" in "cluster" (did you mean "name")'],
      [
        'missing-key',
        4,
        5,
        null,
        'cluster needs "store:": a postgres:// or postgresql:// URL (postgres://taskkit@db.example/jobs) or ' +
          '$NAME (the URL from that variable)',
      ],
    ]);
  });

  test.each([
    ['OPS', 'expected 1-41 lowercase letters, digits or "_", not starting with a digit, got "OPS"'],
    ['1ops', 'expected 1-41 lowercase letters, digits or "_", not starting with a digit, got "1ops"'],
    [
      'a'.repeat(42),
      `expected 1-41 lowercase letters, digits or "_", not starting with a digit, got "${'a'.repeat(42)}"`,
    ],
    ['pg_ops', 'names starting with "pg_" are PostgreSQL\'s own, got "pg_ops"'],
  ])('name %s', (name, problem) => {
    expect(summarize(issuesOf(clusterFile(['store: postgres://db/jobs', `name: ${name}`])))).toEqual([
      ['invalid-value', 5, 11, null, `invalid cluster name (a PostgreSQL schema and NOTIFY channel): ${problem}`],
    ]);
  });

  test('lease must exceed 2 x beat: at lease when given, at beat when the default lease is too short', () => {
    expect(summarize(issuesOf(clusterFile(['store: postgres://db/jobs', 'beat: 2s', 'lease: 4s'])))).toEqual([
      [
        'invalid-value',
        6,
        12,
        null,
        'lease must be more than 2 x beat (4s): one late beat must not make a live host dead; got lease 4s, beat 2s',
      ],
    ]);
    expect(summarize(issuesOf(clusterFile(['store: postgres://db/jobs', 'beat: 15s'])))).toEqual([
      [
        'invalid-value',
        5,
        11,
        null,
        'the default lease (30s) must be more than 2 x beat (30s): one late beat must not make a live host ' +
          'dead; got lease 30s, beat 15s',
      ],
    ]);
  });

  test('gone-after below beat, a beat below 100ms, a bare number', () => {
    const lines = ['store: postgres://db/jobs', 'beat: 2s', 'gone-after: 1s'];
    expect(summarize(issuesOf(clusterFile(lines))).map((row) => [row[1], row[4]])).toEqual([
      [6, 'gone-after (1s) must be at least beat (2s): a live host beats only that often'],
    ]);
    expect(summarize(issuesOf(clusterFile(['store: postgres://db/jobs', 'beat: 50ms']))).map((row) => row[4])).toEqual([
      'beat must be at least 100ms, got "50ms"',
    ]);
    expect(summarize(issuesOf(clusterFile(['store: postgres://db/jobs', 'lease: 30']))).map((row) => row[1])).toEqual([
      5,
    ]);
  });

  test('not a map', () => {
    expect(
      summarize(issuesOf(['settings:', '  timezone: UTC', '  cluster: postgres://db/jobs', 'tasks:', '  a: {run: x}'])),
    ).toEqual([
      [
        'invalid-value',
        3,
        12,
        null,
        'expected a map {store: URL, name, beat, gone-after, lease} (only store is required), got "postgres://db/jobs"',
      ],
    ]);
  });

  test('settings.timezone is required, reported at the cluster key', () => {
    expect(summarize(issuesOf(clusterFile(['store: postgres://db/jobs'], null)))).toEqual([
      [
        'missing-key',
        2,
        3,
        null,
        'cluster mode needs settings.timezone (such as timezone: Europe/Berlin): hosts in other zones would ' +
          'compute other instants for the same tasks',
      ],
    ]);
  });
});

describe('resolveClusterStore (the daemon, at start)', () => {
  test('a URL is itself; $NAME is the variable, which may carry a password (it is not in the file)', () => {
    expect(resolveClusterStore('postgres://db/jobs', {})).toEqual({ ok: true, url: 'postgres://db/jobs' });
    expect(resolveClusterStore('$DB', { DB: ' postgres://u:pw@db/jobs\n' })).toEqual({
      ok: true,
      url: 'postgres://u:pw@db/jobs',
    });
  });

  test('a missing, empty or malformed variable is named', () => {
    expect(resolveClusterStore('$DB', {})).toEqual({
      ok: false,
      message: "settings.cluster.store is $DB, but DB is not set in the daemon's environment",
    });
    expect(resolveClusterStore('$DB', { DB: ' ' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/DB is empty/),
    });
    expect(resolveClusterStore('$DB', { DB: 'http://db' })).toEqual({
      ok: false,
      message:
        'settings.cluster.store: $DB: expected a postgres:// or postgresql:// URL (postgres://taskkit@db.example/jobs) ' +
        'or $NAME, got a http: URL',
    });
  });
});
