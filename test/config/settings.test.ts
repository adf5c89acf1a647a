// config/settings.ts: `settings:` defaults from the environment (TZ, XDG_STATE_HOME, HOME),
// paths against the file's folder, and resolveSettings for the library API.
import { homedir } from 'node:os';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { resolveSettings as resolveFromNormalize } from '../../src/config/normalize.js';
import { resolveSettings, validateSettings } from '../../src/config/settings.js';
import { isValidTimeZone, systemTimeZone } from '../../src/schedule/zoned.js';
import { issuesOf, summarize } from '../support/config-issues.js';

const base = { baseDir: '/srv/jobs' };

describe('defaults', () => {
  test('everything from the environment and the named defaults', () => {
    expect(resolveSettings(undefined, { ...base, env: { TZ: 'Asia/Tokyo', HOME: '/home/ann' } })).toEqual({
      timezone: 'Asia/Tokyo',
      stateDir: '/home/ann/.local/state/taskkit',
      socket: null,
      maxConcurrent: 8,
      groups: {},
      holdAfterFailures: null,
      notify: null,
      shell: '/bin/sh',
      history: { keep: 200, outputLimitBytes: 262_144 },
      shutdownGraceMs: 30_000,
      reboot: 'once-per-boot',
    });
  });

  test('timezone: TZ with the glibc ":" prefix; an invalid TZ falls back to /etc/localtime with a warning', () => {
    expect(resolveSettings(undefined, { ...base, env: { TZ: ':Europe/Oslo' } }).timezone).toBe('Europe/Oslo');
    // The fall-back itself: test/config/process-zone.test.ts.
    const bogus = validateSettings(undefined, { ...base, env: { TZ: 'Nowhere/Special' } });
    expect(isValidTimeZone(bogus.settings.timezone)).toBe(true);
    expect(bogus.issues.map((issue) => [issue.severity, issue.message])).toEqual([
      ['warning', expect.stringMatching(/^TZ="Nowhere\/Special" is not a time zone; using /)],
    ]);
    expect(resolveSettings(undefined, { ...base, env: {} }).timezone).toBe(systemTimeZone());
  });

  test(
    'state-dir: $XDG_STATE_HOME/taskkit; a relative XDG_STATE_HOME is ignored (XDG spec); no HOME: ' +
      'the account home',
    () => {
      expect(
        resolveSettings(undefined, { ...base, env: { XDG_STATE_HOME: '/var/state', HOME: '/home/ann' } }).stateDir,
      ).toBe('/var/state/taskkit');
      expect(
        resolveSettings(undefined, { ...base, env: { XDG_STATE_HOME: 'state', HOME: '/home/ann' } }).stateDir,
      ).toBe('/home/ann/.local/state/taskkit');
      expect(resolveSettings(undefined, { ...base, env: {} }).stateDir).toBe(`${homedir()}/.local/state/taskkit`);
    },
  );
});

describe('given values', () => {
  test('relative state-dir and socket resolve against the file folder; history keys merge over the defaults', () => {
    const settings = resolveSettings(
      {
        'state-dir': '.taskkit',
        socket: '../run/tk.sock',
        'max-concurrent': 10_000,
        shell: 'bash',
        history: { 'output-limit': '1MiB' },
        'shutdown-grace': '2m',
      },
      { ...base, env: { TZ: 'UTC' } },
    );
    expect(settings).toEqual({
      timezone: 'UTC',
      stateDir: '/srv/jobs/.taskkit',
      socket: '/srv/run/tk.sock',
      maxConcurrent: 10_000,
      groups: {},
      holdAfterFailures: null,
      notify: null,
      shell: 'bash',
      history: { keep: 200, outputLimitBytes: 1_048_576 },
      shutdownGraceMs: 120_000,
      reboot: 'once-per-boot',
    });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  test('a key whose value is undefined counts as absent (the library spreads its options)', () => {
    const settings = resolveSettings(
      { timezone: undefined, 'max-concurrent': undefined, shell: undefined },
      { ...base, env: { TZ: 'UTC' } },
    );
    expect([settings.timezone, settings.maxConcurrent, settings.shell]).toEqual(['UTC', 8, '/bin/sh']);
  });

  test('normalize.ts re-exports the same function', () => {
    expect(resolveFromNormalize).toBe(resolveSettings);
  });

  test('invalid values: ConfigError listing each, with the key path in its message', () => {
    let thrown: unknown;
    try {
      resolveSettings({ 'max-concurrent': 0, timezone: 'Europe/Berln' }, { ...base, env: {} });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).toBe(
      'invalid settings: settings.timezone: unknown time zone "Europe/Berln" (did you mean "Europe/Berlin"); ' +
        'settings.max-concurrent: expected a whole number from 1 to 10000, got 0',
    );
  });

  test('invalid values fall back to defaults so the tasks can still be checked', () => {
    const { settings, issues } = validateSettings(
      { 'max-concurrent': 'many', shell: 5 },
      { ...base, env: { TZ: 'UTC' } },
    );
    expect([settings.maxConcurrent, settings.shell, issues.length]).toEqual([8, '/bin/sh', 2]);
  });
});

describe('in a file', () => {
  test('issues at the value, with settings.KEY paths', () => {
    const issues = issuesOf([
      'settings:',
      '  max-concurrent: 10001',
      '  history: {keep: 5, output-limit: 10}',
      '  shutdown-grace: soon',
      '  socket: ""',
      'tasks:',
      '  a: {run: x}',
    ]);
    expect(summarize(issues)).toEqual([
      ['invalid-value', 2, 19, null, 'expected a whole number from 1 to 10000, got 10001'],
      ['invalid-value', 3, 36, null, 'expected a size of at least 1KiB, got 10'],
      ['invalid-value', 4, 19, null, 'expected a duration like "90s", "5m" or "1h30m", got "soon"'],
      ['invalid-value', 5, 11, null, 'expected a socket path (a non-empty string), got an empty string'],
    ]);
    expect(issues.map((issue) => issue.path.join('.'))).toEqual([
      'settings.max-concurrent',
      'settings.history.output-limit',
      'settings.shutdown-grace',
      'settings.socket',
    ]);
  });
});
