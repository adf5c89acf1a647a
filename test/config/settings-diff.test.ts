// config/settings-diff.ts: which settings differ, and the ones a reload cannot apply (fixed at start).
import { expect, test } from 'vitest';
import { DIFFED_SETTINGS, diffSettings, RESTART_ONLY_SETTINGS } from '../../src/config/settings-diff.js';
import type { Settings } from '../../src/config/types.js';

const base: Settings = {
  timezone: 'UTC',
  stateDir: '/s',
  socket: null,
  maxConcurrent: 8,
  groups: { db: 1 },
  shell: '/bin/sh',
  history: { keep: 200, outputLimitBytes: 262_144 },
  holdAfterFailures: null,
  notify: null,
  shutdownGraceMs: 30_000,
  reboot: 'once-per-boot',
};

test('nothing changed: nothing', () => {
  expect(diffSettings(base, { ...base, groups: { db: 1 } })).toEqual([]);
});

test('restart-only settings say so; the rest a reload applies', () => {
  const after = { ...base, maxConcurrent: 4, socket: '/run/t.sock', shutdownGraceMs: 5_000, timezone: 'Europe/Paris' };
  expect(diffSettings(base, after)).toEqual([
    { key: 'timezone', before: 'UTC', after: 'Europe/Paris', needsRestart: false },
    { key: 'socket', before: '(default)', after: '/run/t.sock', needsRestart: true },
    { key: 'max-concurrent', before: '8', after: '4', needsRestart: true },
    { key: 'shutdown-grace', before: '30s', after: '5s', needsRestart: false },
  ]);
  expect([...RESTART_ONLY_SETTINGS]).toEqual([
    'socket',
    'state-dir',
    'max-concurrent',
    'cluster.store',
    'cluster.env-file',
    'cluster.name',
    'cluster.beat',
    'cluster.gone-after',
    'cluster.lease',
  ]);
});

test('groups and calendars per name', () => {
  const after = { ...base, groups: { db: 2, net: 1 }, calendars: { holidays: [20_000] } };
  expect(diffSettings(base, after)).toEqual([
    { key: 'groups.db', before: '1', after: '2', needsRestart: false },
    { key: 'groups.net', before: null, after: '1', needsRestart: false },
    { key: 'calendars.holidays', before: null, after: '1 date', needsRestart: false },
  ]);
  expect(diffSettings(after, { ...after, calendars: { holidays: [20_001] } })).toEqual([
    { key: 'calendars.holidays', before: '1 date', after: '1 date (other dates)', needsRestart: false },
  ]);
});

test('notify without a URL password, and a new password alone is said', () => {
  const notify = {
    target: { kind: 'url', url: 'https://u:pw@h.example/' },
    on: ['failure'],
    after: 1,
    repeatMs: null,
  } as const;
  expect(diffSettings(base, { ...base, notify })).toEqual([
    { key: 'notify', before: null, after: 'url https://***@h.example/', needsRestart: false },
  ]);
  const other = { ...notify, target: { kind: 'url', url: 'https://u:new@h.example/' } } as const;
  const changes = diffSettings({ ...base, notify }, { ...base, notify: other });
  expect(changes).toEqual([
    {
      key: 'notify',
      before: 'url https://***@h.example/',
      after: 'url https://***@h.example/ (changed)',
      needsRestart: false,
    },
  ]);
  expect(JSON.stringify(changes)).not.toMatch(/pw|new@/);
});

test('http and reboot; every field of Settings is compared', () => {
  const http = { listen: '127.0.0.1:9187', host: '127.0.0.1', port: 9187, loopback: true, tokenFile: null };
  expect(diffSettings(base, { ...base, http, reboot: 'every-start' })).toEqual([
    { key: 'reboot', before: 'once-per-boot', after: 'every-start', needsRestart: false },
    { key: 'http.listen', before: null, after: '127.0.0.1:9187', needsRestart: false },
  ]);
  const cluster = { store: 'postgres://db/jobs', name: 'taskkit', beatMs: 5_000, goneAfterMs: 10_000, leaseMs: 30_000 };
  const full: Required<Settings> = { ...base, calendars: {}, http, cluster };
  expect(Object.keys(full).filter((field) => !DIFFED_SETTINGS.has(field))).toEqual([]);
});

test('cluster: each key, all needing a restart; the store as written ($NAME, never its value)', () => {
  const cluster = { store: '$TASKKIT_DB', name: 'taskkit', beatMs: 5_000, goneAfterMs: 10_000, leaseMs: 30_000 };
  expect(diffSettings(base, { ...base, cluster })).toEqual([
    { key: 'cluster.store', before: null, after: '$TASKKIT_DB', needsRestart: true },
    { key: 'cluster.name', before: null, after: 'taskkit', needsRestart: true },
    { key: 'cluster.beat', before: null, after: '5s', needsRestart: true },
    { key: 'cluster.gone-after', before: null, after: '10s', needsRestart: true },
    { key: 'cluster.lease', before: null, after: '30s', needsRestart: true },
  ]);
  const changed = { ...cluster, store: 'postgres://db2/jobs', leaseMs: 60_000 };
  expect(diffSettings({ ...base, cluster }, { ...base, cluster: changed })).toEqual([
    { key: 'cluster.store', before: '$TASKKIT_DB', after: 'postgres://db2/jobs', needsRestart: true },
    { key: 'cluster.lease', before: '30s', after: '1m', needsRestart: true },
  ]);
});
