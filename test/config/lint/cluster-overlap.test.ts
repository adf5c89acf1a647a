// config/lint/cluster-overlap.ts: overlap queue or replace on a task claimed in cluster mode acts on
// one host only (across hosts: skip); config/lint/scope-no-effect.ts: scope outside cluster mode, and
// scope: cluster on @reboot, do nothing.
import { describe, expect, test } from 'vitest';
import { lintOf } from './_lint.js';

/** A file in cluster mode (`cluster` true) or not, with one task "a" (line 7 is its first key in cluster mode). */
function file(keys: readonly string[], cluster: boolean): string[] {
  const settings = cluster ? ['  cluster:', '    store: postgres://db.example/jobs'] : [];
  return ['settings:', '  timezone: UTC', ...settings, 'tasks:', '  a:', ...keys.map((key) => `    ${key}`)];
}

describe('cluster-overlap', () => {
  test.each(['queue', 'replace'])('overlap: %s in cluster mode warns at its value', (overlap) => {
    expect(lintOf(file(['every: 1m', `overlap: ${overlap}`, 'run: x'], true), 'cluster-overlap')).toEqual([
      [
        'cluster-overlap',
        8,
        14,
        'a',
        `overlap: ${overlap} acts on this host's runs only: in cluster mode an instant that comes while a run ` +
          'of the task goes on on another host is skipped, as under overlap: skip; use overlap: skip to say so, ' +
          'or scope: host to run the task on every host',
      ],
    ]);
  });

  test.each([
    [['every: 1m', 'overlap: queue', 'run: x'], false],
    [['every: 1m', 'overlap: skip', 'run: x'], true],
    [['every: 1m', 'overlap: allow', 'run: x'], true],
    [['every: 1m', 'overlap: queue', 'scope: host', 'run: x'], true],
    [['cron: "@reboot"', 'overlap: replace', 'run: x'], true],
  ])('%j, cluster %s: nothing', (keys, cluster) => {
    expect(lintOf(file(keys, cluster), 'cluster-overlap')).toEqual([]);
  });
});

describe('no-effect for scope', () => {
  test('outside cluster mode, at the key', () => {
    expect(lintOf(file(['every: 1m', 'scope: host', 'run: x'], false), 'no-effect')).toEqual([
      [
        'no-effect',
        6,
        5,
        'a',
        '"scope" has no effect: settings.cluster is not set, so every task runs on this one host; remove it',
      ],
    ]);
  });

  test('scope: cluster on @reboot, in cluster mode, at the value', () => {
    expect(lintOf(file(['cron: "@reboot"', 'scope: cluster', 'run: x'], true), 'no-effect')).toEqual([
      [
        'no-effect',
        8,
        12,
        'a',
        '"scope: cluster" has no effect on an @reboot task: it runs on every host at that host\'s start; remove it',
      ],
    ]);
  });

  test('scope in cluster mode otherwise: nothing', () => {
    expect(lintOf(file(['every: 1m', 'scope: host', 'run: x'], true))).toEqual([]);
    expect(lintOf(file(['cron: "@reboot"', 'scope: host', 'run: x'], true))).toEqual([]);
    expect(lintOf(file(['every: 1m', 'scope: cluster', 'run: x'], true))).toEqual([]);
  });
});
