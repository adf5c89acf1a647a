// config/json-schema.ts: the JSON Schema derived from the key table compiles under ajv's strict
// mode, takes every tasks file the validator takes, and gives the validator's verdict on sample
// values of every key: the schema may only be looser where a test here says so (validatorOnly).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ErrorObject } from 'ajv';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  buildAtLeastPattern,
  buildByteSizePattern,
  buildDurationPattern,
  buildTasksFileSchema,
} from '../../src/config/json-schema.js';
import {
  HISTORY_KEY_TABLE,
  RETRY_KEY_TABLE,
  SETTINGS_KEY_TABLE,
  TASK_KEY_TABLE,
  TOP_KEY_TABLE,
} from '../../src/config/key-table.js';
import { ConfigError, loadTasksFile, parseTasksText } from '../../src/config/load.js';
import type { KeyTable } from '../../src/config/value-shape.js';
import { resolveSettings, validateTaskDefinition } from '../../src/config/normalize.js';
import { validateSettings } from '../../src/config/settings.js';
import { TEST_ENV } from '../support/config-issues.js';
import { MODULE_FIXTURES } from '../support/module-run.js';

type Scope = 'top' | 'settings' | 'task' | 'retry' | 'history';
interface Samples {
  readonly valid: readonly unknown[];
  readonly invalid: readonly unknown[];
  /** Values only the validator rejects: the schema cannot know them (and says so). */
  readonly validatorOnly?: readonly unknown[];
}

/** `module:` paths must exist for the validator. */
const MODULE = `${MODULE_FIXTURES}echo-context.js`;
const ENV_FILE = fileURLToPath(new URL('../fixtures/env/secrets.env', import.meta.url));
const DURATIONS = {
  valid: ['5s', '1h30m', '2d', '0d0h1m'],
  invalid: ['5', 5, '30m1h', '5m5m', '5 minutes', '', null],
  validatorOnly: ['99999999999999999d'],
};
const POSITIVE_DURATIONS = {
  valid: ['1ms', '1m30s', '0s1ms'],
  invalid: ['0s', '0m0s', '0ms', 30, '30', 'lots'],
  validatorOnly: ['99999999999999999d'],
};
const DATE_TIMES = {
  valid: [
    '2026-01-01T00:00',
    '2026-01-01',
    '2026-12-01 09:00:30',
    '2026-12-01T09:00:30.5Z',
    '2026-12-01t09:00+02:00',
    '2026-12-01T09:00-0530',
    ' 2026-04-30 ',
  ],
  invalid: [
    'soon',
    '2026-13-01',
    '2026-04-31',
    '2026-02-30',
    '2026-01-01T24:00',
    '2026-01-01T09:00+24:00',
    '2026-1-1',
    '2026-01-01T09',
    20260101,
    null,
  ],
  validatorOnly: ['2027-02-29'],
};
const PATHS = { valid: ['./state', '/var/lib/x', '~user/x', ' ~/x'], invalid: ['~', '~/work', '', '  ', 5, null] };
const TEXTS = { valid: ['/bin/bash', ' x'], invalid: ['', ' ', 5, null] };
const ZONES = {
  valid: ['UTC', 'Europe/Berlin'],
  invalid: ['', 5, null],
  validatorOnly: ['Mars/Olympus', 'Europe/Berlinn'],
};
const TASK_NAMES = {
  valid: ['backup', ['backup', 'x'], [], 2024, [2024]],
  invalid: ['', [''], [null], null, { a: 1 }, [true], true],
};

/** Per key of each table: values both must accept, both must reject, and only the validator rejects. */
/** `notify:` maps, valid in settings and per task (a task's may also be false). */
const NOTIFIERS = {
  valid: [
    { run: './alert.sh' },
    { command: ['notify-send', 'taskkit', 3] },
    { url: 'https://ntfy.sh/backups', on: ['failure', 'recovery'], after: 2, repeat: '6h' },
    { url: 'http://user:secret@127.0.0.1:8080/hook' },
    { mail: 'ops@example.com', on: 'overdue' },
    { mail: 'ops@example.com, dev@example.org' },
  ],
  invalid: [
    null,
    'ops@example.com',
    {},
    { on: ['failure'] },
    { run: './a', url: 'https://x.example' },
    { run: '' },
    { command: [] },
    { command: 'notify-send x' },
    { run: 'x', on: [] },
    { run: 'x', on: ['failures'] },
    { run: 'x', on: 'sometimes' },
    { run: 'x', after: 0 },
    { run: 'x', after: 1.5 },
    { run: 'x', repeat: '0s' },
    { run: 'x', repeat: 'hourly' },
    { run: 'x', every: '1h' },
  ],
  // What a schema cannot check: the URL's scheme and form, the addresses, a program that is blank.
  validatorOnly: [
    { url: 'ftp://example.com/x' },
    { url: 'not a url' },
    { url: 'https://' },
    { mail: 'ops' },
    { mail: 'ops@example.com\nBcc: all@example.com' },
    { mail: 'Ops <ops@example.com>' },
    { mail: 'a@example.com,,b@example.com' },
    { command: [' '] },
  ],
};

const SAMPLES: Record<Scope, Record<string, Samples>> = {
  top: {
    settings: {
      valid: [{}, null, { shell: 'bash' }],
      invalid: ['fast', [], { tiemzone: 'UTC' }, { 'max-concurrent': 0 }],
    },
    tasks: {
      valid: [
        { a: { run: 'x' } },
        { '2024': { run: 'x' } },
        { 'a.b_c-1': { run: 'x' } },
        { ['a'.repeat(100)]: { run: 'x' } },
      ],
      invalid: [
        {},
        null,
        [],
        { '-a': { run: 'x' } },
        { 'a b': { run: 'x' } },
        { ['a'.repeat(101)]: { run: 'x' } },
        { a: null },
        { a: 'echo' },
      ],
      validatorOnly: [{ a: { run: 'x', after: 'b' } }, { a: { run: 'x', 'on-success': 'a' } }],
    },
  },
  settings: {
    timezone: { ...ZONES, validatorOnly: ['Nowhere/Special'] },
    'state-dir': PATHS,
    socket: PATHS,
    'max-concurrent': { valid: [1, 10_000], invalid: [0, 10_001, 1.5, '8', null] },
    groups: {
      valid: [{}, { db: 1 }, { db: 1, 'net.io_2': 3 }],
      invalid: [[], 'db', null, { db: 0 }, { db: 1.5 }, { db: '1' }, { db: null }, { '-db': 1 }, { 'd b': 1 }],
    },
    shell: TEXTS,
    history: { valid: [{}, { keep: 50 }], invalid: [null, 'x', { keep: 0 }, { outputlimit: 1 }] },
    'shutdown-grace': DURATIONS,
    reboot: { valid: ['once-per-boot', 'every-start'], invalid: ['every-boot', 'once', true, null, 1] },
    'hold-after-failures': { valid: [1, 3], invalid: [0, -1, 1.5, '3', null] },
    notify: { ...NOTIFIERS, invalid: [...NOTIFIERS.invalid, false, true] },
    calendars: {
      valid: [{}, { holidays: ['2026-12-25', '2026-12-24..2026-12-31'] }, { a: '2026-01-01' }, { 'b.c_d-1': [] }],
      invalid: [null, 'x', [], { 'bad name': '2026-01-01' }, { a: 5 }, { a: [5] }, { a: { url: 'x' } }, { a: {} }],
      // Dates and files: only the validator reads them.
      validatorOnly: [
        { a: '2026-02-30' },
        { a: 'tomorrow' },
        { a: '2026-12-31..2026-12-24' },
        { a: [{ file: '/nonexistent/x.ics' }] },
      ],
    },
    http: {
      valid: ['127.0.0.1:9187', '[::1]:9187', 'localhost:80', { listen: '127.0.0.1:1' }],
      invalid: [null, 5, [], '', {}, { port: 9187 }, { listen: 9187 }, { listen: '127.0.0.1:1', token: 'x' }],
      // The address's form, its port's range, and the token a non-loopback address needs: only the validator.
      validatorOnly: ['127.0.0.1', '127.0.0.1:0', 'host name:1', '[nope]:1', '0.0.0.0:9187', { listen: '10.0.0.1:1' }],
    },
    // Checked with settings.timezone beside it (cluster mode requires it).
    cluster: {
      valid: [
        { store: 'postgres://db.example/jobs' },
        { store: '$TASKKIT_DB', name: 'ops_2', beat: '1s', 'gone-after': '2s', lease: '5s' },
      ],
      invalid: [
        null,
        'postgres://db/jobs',
        {},
        { name: 'ops' },
        { store: 5 },
        { store: '' },
        { store: 'postgres://db/jobs', port: 5432 },
        { store: 'postgres://db/jobs', beat: 5 },
        { store: 'postgres://db/jobs', beat: '50ms' },
        { store: 'postgres://db/jobs', lease: '0s' },
      ],
      // The URL, the name's form, and the timings' rules between keys: only the validator.
      validatorOnly: [
        { store: 'mysql://db/jobs' },
        { store: 'postgres://u:pw@db/jobs' },
        { store: '$1DB' },
        { store: 'postgres://db/jobs', name: 'OPS' },
        { store: 'postgres://db/jobs', name: 'pg_ops' },
        { store: 'postgres://db/jobs', beat: '20s' },
        { store: 'postgres://db/jobs', beat: '2s', 'gone-after': '1s' },
      ],
    },
  },
  task: {
    every: {
      valid: ['5m', '100ms', '0s100ms', '1s', '2d'],
      invalid: ['99ms', '0s', '1x', ...DURATIONS.invalid],
      validatorOnly: DURATIONS.validatorOnly,
    },
    start: DATE_TIMES,
    daily: {
      valid: ['03:30', '3:30', '23:59:59', ['03:30', '15:30'], ['00:00', '00:00']],
      invalid: ['24:00', '03:60', '3:5', '03:30 ', 210, [], ['03:30', 'noon'], null],
    },
    at: {
      valid: ['2026-12-01T09:00', ['2026-12-01T09:00', '2026-11-01 08:00:30Z']],
      invalid: [[], 'tomorrow', ['2026-12-01T09:00', 5], '2026-02-30T09:00'],
      validatorOnly: [['2027-02-29T09:00']],
    },
    cron: {
      valid: [
        '*/15 * * * 1-5',
        '0 */5 * * * *',
        '@hourly',
        '@Daily',
        '@reboot',
        ' 0 0 * * * ',
        '0 6 * * 0,7',
        '0 0 15W,LW * fri-sun',
      ],
      invalid: ['', '   ', '* * * *', '* * * * * * *', 5, '@daily extra', null],
      validatorOnly: ['0 0 30 2 *', '75 * * * *', '@weekdays', '0 0 32W * *'],
    },
    rrule: {
      valid: [
        'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18',
        'RRULE:FREQ=DAILY',
        'rrule:byhour=9; freq=weekly ;',
        ' FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU ',
      ],
      invalid: ['', 'FREQ', 'BYDAY=MO', 'FREQ=DAILY;;BYHOUR=1', 'FREQ=DAILY;BYHOUR=', 'FREQ=DAILY BYHOUR=9', 5, null],
      validatorOnly: ['FREQ=DAILY;BYHOUR=24', 'FREQ=FORTNIGHTLY', 'FREQ=DAILY;BYDAYS=MO', 'FREQ=WEEKLY;BYDAY=-1FR'],
    },
    run: { valid: ['echo hi', ' x'], invalid: ['', '   ', true, 5, null, ['echo']] },
    command: {
      valid: [['node', 'x.js'], ['node', 3], [5], ['sh', '']],
      invalid: ['node x.js', [], ['node', null], ['node', true], [{}], null],
      validatorOnly: [['', 'x'], [' ']],
    },
    module: { valid: [MODULE], invalid: ['', '~/x.js', '~', 5, null], validatorOnly: ['/nonexistent/task.js'] },
    export: { valid: ['run'], invalid: ['', ' ', 5, null] },
    args: { valid: [{ to: 'x' }, [1, 2], 'x', null, 5], invalid: [] },
    description: { valid: ['Free text', ' '], invalid: [5, null, ['x']] },
    timezone: ZONES,
    cwd: PATHS,
    env: {
      valid: [
        {},
        { MODE: 'fast', LEVEL: 3, RATIO: 0.5, DRY: false, _X1: '' },
        { TOKEN: { secret: 's3cret' }, PIN: { secret: 1234 } },
      ],
      invalid: [
        'A=1',
        { 'BAD-NAME': 'x' },
        { '1A': 'x' },
        { A: null },
        { A: [1] },
        { A: {} },
        null,
        [],
        { A: { secret: null } },
        { A: { secret: 'x', other: 1 } },
        { A: { secret: ['x'] } },
      ],
    },
    'env-file': {
      valid: [ENV_FILE],
      invalid: ['', '~/x.env', 5, null, ['a.env']],
      validatorOnly: ['/nonexistent/x.env'],
    },
    shell: TEXTS,
    timeout: POSITIVE_DURATIONS,
    'kill-after': DURATIONS,
    overlap: { valid: ['queue', 'replace', 'allow'], invalid: ['parallel', 'Skip', 5, null] },
    retry: {
      valid: [3, { attempts: 3 }, { attempts: 0, delay: '1m', backoff: 1.5, 'max-delay': '1h' }],
      invalid: ['3', -1, 2.5, {}, { attempts: 'x' }, { attempts: 1, tries: 2 }, null],
    },
    jitter: DURATIONS,
    'catch-up': { valid: ['once', 'all'], invalid: ['always', 'none', true] },
    deadline: POSITIVE_DURATIONS,
    'expect-success-within': POSITIVE_DURATIONS,
    hold: { valid: [true], invalid: ['yes', 'true', 1, null] },
    'hold-after-failures': { valid: [1, 3], invalid: [0, -1, 1.5, '3', null] },
    notify: { ...NOTIFIERS, valid: [...NOTIFIERS.valid, false], invalid: [...NOTIFIERS.invalid, true] },
    'max-runs': { valid: [1, 10], invalid: [0, -1, 1.5, '10', null] },
    group: { valid: ['db'], invalid: ['', ' ', 1, null, ['db']], validatorOnly: ['dbx'] },
    until: DATE_TIMES,
    except: {
      valid: ['holidays', ['holidays', 'closures'], []],
      invalid: ['', 5, null, [5], [''], { holidays: true }],
      validatorOnly: ['holidyas', ['holidays', 'weekends']],
    },
    after: TASK_NAMES,
    'after-all': TASK_NAMES,
    'on-success': TASK_NAMES,
    'on-failure': TASK_NAMES,
    history: { valid: [{}, { keep: 5 }, { 'output-limit': '1MiB' }], invalid: [null, 'x', { keep: 0 }, { size: 1 }] },
    scope: { valid: ['cluster', 'host'], invalid: ['hots', 'Host', true, null, 1] },
  },
  retry: {
    attempts: { valid: [0, 5], invalid: [-1, 'x', 1.5, null] },
    delay: DURATIONS,
    backoff: { valid: [1, 1.5, 3], invalid: [0.5, 0, '2', null] },
    'max-delay': DURATIONS,
    interrupted: { valid: [true, false], invalid: ['yes', 1, null] },
  },
  history: {
    keep: { valid: [1, 500], invalid: [0, -1, 1.5, '200', null] },
    'output-limit': {
      valid: [1024, '1KiB', '1024', '1024B', '2KB', '1MB', '1MiB', '8MiB', 8 * 1024 * 1024, '01024'],
      invalid: [1023, '1023', '1023B', '1KB', '0MiB', '1 KiB', '1kib', '1.5MiB', '', 1024.5, null, 8 * 1024 * 1024 + 1],
      // Over the 8MiB cap (issue 15 point 4): the string pattern has no upper bound, the validator does.
      validatorOnly: ['99999999999999999GiB', '1GB', '1GiB', '9MiB'],
    },
  },
};

/** Whole task definitions for the rules between keys: [name, definition, valid]; more are generated below. */
const CROSS_KEY_SAMPLES: [string, Record<string, unknown>, boolean][] = [
  ['one action: run', { run: 'x' }, true],
  ['one action: command', { command: ['x'] }, true],
  ['one action: module with export and args', { module: MODULE, export: 'run', args: {} }, true],
  ['every with start', { every: '5m', start: '2026-01-01', run: 'x' }, true],
  ['run with shell', { run: 'x', shell: '/bin/bash' }, true],
  ['nothing to run', { description: 'only' }, false],
  ['an empty task', {}, false],
  ['start with daily', { start: '2026-01-01', daily: '03:30', run: 'x' }, false],
  ['start with rrule', { start: '2026-01-01T09:00', rrule: 'FREQ=DAILY', run: 'x' }, true],
  ['args with command', { command: ['x'], args: {} }, false],
  ['shell alone', { shell: '/bin/bash' }, false],
  ['jitter as long as the period', { every: '1m', jitter: '1m', run: 'x' }, true],
];

/**
 * Rules between keys only the validator knows: a JSON Schema cannot compare two values (issue 15,
 * config/task-rules.ts). What only this host can tell (a `cwd` that is a file, a `shell` not
 * installed: config/host-checks.ts) are warnings, so a file with them stays valid for both.
 */
const CROSS_KEY_VALIDATOR_ONLY: [string, Record<string, unknown>][] = [
  ['jitter longer than the period', { every: '1m', jitter: '61s', run: 'x' }],
  ['jitter longer than the shortest gap of cron', { cron: '*/5 * * * *', jitter: '6m', run: 'x' }],
  ['jitter longer than the shortest gap of daily', { daily: ['08:00', '09:00'], jitter: '2h', run: 'x' }],
  ['until before start', { every: '1h', start: '2026-12-10', until: '2026-12-01', run: 'x' }],
  ['until at the only at instant', { at: '2026-12-10T09:00', until: '2026-12-10T09:00', run: 'x' }],
];

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const Ajv = AjvModule.default;
const schema = buildTasksFileSchema();
const ajv = new Ajv({ strict: true, allErrors: true });
const validate = ajv.compile(schema);

// Calendars for `except:` samples (a name must be one of settings.calendars), and a group, so that
// `group: db` is valid (a group the settings lack only the validator can know).
const settings = {
  ...resolveSettings({ groups: { db: 1 } }, { baseDir: '/srv/jobs', env: TEST_ENV }),
  calendars: { holidays: [20_812], closures: [] },
};
const context = { settings, baseDir: '/srv/jobs' };

/** `/path keyword detail` for each error, e.g. `/tasks/t additionalProperties tiemout`. */
function errorsOf(document: unknown): string[] {
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) =>
    `${error.instancePath} ${error.keyword} ${Object.values(error.params).join(',')}`.trim(),
  );
}

const schemaAccepts = (document: unknown): boolean => validate(document);

describe('the schema itself', () => {
  test('is a valid draft-07 schema and compiles under ajv strict mode (all strict options on)', () => {
    expect(ajv.validateSchema(schema)).toBe(true);
    expect((schema as { $schema: string }).$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(typeof validate).toBe('function');
  });

  test('says the validator is the authority', () => {
    expect((schema as { description: string }).description).toContain('`taskkit validate` remains the authority');
  });

  test('is plain JSON: serialising it loses nothing', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

describe('tasks files the validator accepts, the schema accepts', () => {
  const listYaml = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listYaml(path) : /\.ya?ml$/.test(name) ? [path] : [];
    });
  const files = [
    join(ROOT, 'tasks.yaml'),
    ...listYaml(join(ROOT, 'examples')),
    ...listYaml(join(ROOT, 'test/fixtures')),
  ];
  const loads = (path: string): boolean => {
    try {
      loadTasksFile(path, { env: TEST_ENV });
      return true;
    } catch (error) {
      if (error instanceof ConfigError) return false;
      throw error;
    }
  };
  const valid = files.filter(loads);

  test('the files found include the bundled one, the examples and the full fixture', () => {
    expect(valid.map((path) => relative(ROOT, path))).toEqual(
      expect.arrayContaining(['tasks.yaml', 'examples/tasks.yaml', 'test/fixtures/tasks/valid.yaml']),
    );
  });

  test.each(valid.map((path) => [relative(ROOT, path), path]))('%s', (_name, path) => {
    expect(errorsOf(parse(readFileSync(path, 'utf8'), { schema: 'core' }))).toEqual([]);
  });

  test('of the rejected fixtures that are YAML maps, the schema accepts only those broken across tasks', () => {
    const looser = files
      .filter((path) => !loads(path))
      .filter((path) => {
        try {
          return schemaAccepts(parse(readFileSync(path, 'utf8'), { schema: 'core' }));
        } catch {
          return false; // yaml-syntax.yaml, duplicate-key.yaml: not YAML the schema ever sees
        }
      })
      .map((path) => relative(ROOT, path));
    // binary.yaml is a text-level problem (a NUL byte); the other two are cross-task rules.
    const message = 'a fixture the validator rejects and the schema accepts: list it here only if no schema could tell';
    expect(looser, message).toEqual([
      'test/fixtures/tasks/binary.yaml',
      'test/fixtures/tasks/cycle.yaml',
      'test/fixtures/tasks/unknown-task.yaml',
    ]);
  });
});

describe('the schema rejects what editors should flag', () => {
  const file = (task: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    tasks: { backup: { run: './backup.sh', ...task } },
    ...extra,
  });

  test.each<[string, unknown, string[]]>([
    ['an unknown task key (typo)', file({ tiemout: '5m' }), ['/tasks/backup additionalProperties tiemout']],
    [
      'an unknown settings key',
      file({}, { settings: { shel: '/bin/bash' } }),
      ['/settings additionalProperties shel', '/settings type null', '/settings anyOf'],
    ],
    ['an unknown top-level key', file({}, { task: {} }), ['additionalProperties task']],
    ['a bad enum value', file({ overlap: 'parallel' }), ['/tasks/backup/overlap enum skip,queue,replace,allow']],
    ['a bad task name', { tasks: { 'back up': { run: 'x' } } }, ['/tasks additionalProperties back up']],
    [
      'a task name of 101 characters',
      { tasks: { ['a'.repeat(101)]: { run: 'x' } } },
      [`/tasks additionalProperties ${'a'.repeat(101)}`],
    ],
    [
      'retry: {attempts: x}',
      file({ retry: { attempts: 'x' } }),
      ['/tasks/backup/retry type integer', '/tasks/backup/retry/attempts type integer', '/tasks/backup/retry anyOf'],
    ],
    ['no tasks', { tasks: {} }, ['/tasks minProperties 1']],
    ['no tasks key', {}, ['required tasks']],
    [
      'two schedules',
      file({ every: '5m', cron: '@daily' }),
      ['/tasks/backup/cron false schema', '/tasks/backup/every false schema'],
    ],
  ])('%s', (_name, document, errors) => {
    expect(errorsOf(document)).toEqual(errors);
  });
});

/**
 * From the table: each two keys of one group together, and each `onlyWith` key beside another
 * action, are rejected by both. A group the validator draws differently fails here.
 */
function generateCrossKeySamples(): [string, Record<string, unknown>, boolean][] {
  const entries = Object.entries(TASK_KEY_TABLE as KeyTable);
  const sample = (key: string): unknown => SAMPLES.task[key]?.valid[0];
  const actions = entries.filter(([, entry]) => entry.group === 'action').map(([key]) => key);
  const rows: [string, Record<string, unknown>, boolean][] = [];
  for (const [index, [a, first]] of entries.entries()) {
    for (const [b, second] of entries.slice(index + 1)) {
      if (first.group === undefined || first.group !== second.group) continue;
      rows.push([
        `${a} and ${b}`,
        { ...(first.group === 'action' ? {} : { run: 'x' }), [a]: sample(a), [b]: sample(b) },
        false,
      ]);
    }
    const partners = partnersOf(first);
    if (partners.length > 0) {
      const other = actions.find((action) => !partners.includes(action)) as string;
      rows.push([`${a} without ${partners.join(' or ')}`, { [other]: sample(other), [a]: sample(a) }, false]);
    }
  }
  return rows;
}

/** The validator's verdict on one value of one key, with what the key needs beside it. */
function validatorAccepts(scope: Scope, key: string, value: unknown): boolean {
  const task = (definition: Record<string, unknown>) =>
    validateTaskDefinition('t', definition, context).issues.length === 0;
  const settingsOk = (raw: Record<string, unknown>) =>
    validateSettings(raw, { baseDir: '/srv/jobs', env: TEST_ENV }).issues.length === 0;
  switch (scope) {
    case 'top':
      try {
        parseTasksText(stringify(documentFor(scope, key, value)), 'tasks.yaml', {
          env: TEST_ENV,
          baseDir: '/srv/jobs',
        });
        return true;
      } catch (error) {
        if (error instanceof ConfigError) return false;
        throw error;
      }
    case 'settings':
      return settingsOk({ ...settingsBeside(key), [key]: value });
    case 'task':
      return task({ ...baseFor(key), [key]: value });
    case 'retry':
      return task({ run: 'x', retry: { ...(key === 'attempts' ? {} : { attempts: 1 }), [key]: value } });
    case 'history': {
      const inSettings = settingsOk({ history: { [key]: value } });
      expect(task({ run: 'x', history: { [key]: value } }), 'settings and task history disagree').toBe(inSettings);
      return inSettings;
    }
  }
}

/** What a settings key needs beside it: cluster mode requires the file's timezone. */
function settingsBeside(key: string): Record<string, unknown> {
  return key === 'cluster' ? { timezone: 'UTC' } : {};
}

/** What a task key needs beside it: nothing for an action, its partner for `start`, `export`, ... */
function baseFor(key: string): Record<string, unknown> {
  const entry = TASK_KEY_TABLE[key as keyof typeof TASK_KEY_TABLE] as KeyTable[string];
  if (entry.group === 'action') return {};
  const name = partnersOf(entry)[0];
  if (name === undefined) return { run: 'x' };
  const partner = TASK_KEY_TABLE[name as keyof typeof TASK_KEY_TABLE] as KeyTable[string];
  return {
    ...(partner.group === 'action' ? {} : { run: 'x' }),
    [name]: SAMPLES.task[name]?.valid[0],
  };
}

/** The keys a key goes with (`start`: every, rrule); none for most. */
function partnersOf(entry: KeyTable[string]): readonly string[] {
  return entry.onlyWith === undefined ? [] : typeof entry.onlyWith === 'string' ? [entry.onlyWith] : entry.onlyWith;
}

/** A whole tasks file holding `value` at the key, for the schema. */
function documentFor(scope: Scope, key: string, value: unknown): Record<string, unknown> {
  const tasks = (definition: Record<string, unknown>) => ({ tasks: { t: definition } });
  switch (scope) {
    case 'top':
      return { tasks: { t: { run: 'x' } }, [key]: value };
    case 'settings':
      return { settings: { ...settingsBeside(key), [key]: value }, ...tasks({ run: 'x' }) };
    case 'task':
      return tasks({ ...baseFor(key), [key]: value });
    case 'retry':
      return tasks({ run: 'x', retry: { ...(key === 'attempts' ? {} : { attempts: 1 }), [key]: value } });
    case 'history':
      return { settings: { history: { [key]: value } }, ...tasks({ run: 'x', history: { [key]: value } }) };
  }
}

const TABLES: Record<Scope, KeyTable> = {
  top: TOP_KEY_TABLE,
  settings: SETTINGS_KEY_TABLE,
  task: TASK_KEY_TABLE,
  retry: RETRY_KEY_TABLE,
  history: HISTORY_KEY_TABLE,
};

describe('agreement: the validator and the schema give the same verdict on sample values of every key', () => {
  const scopes = Object.keys(TABLES) as Scope[];

  test.each(scopes)('%s: every table key has samples, and every sample a table key', (scope) => {
    expect(Object.keys(SAMPLES[scope]).sort()).toEqual(Object.keys(TABLES[scope]).sort());
  });

  const rows = scopes.flatMap((scope) =>
    Object.entries(SAMPLES[scope]).map(([key, samples]) => {
      const entry = TABLES[scope][key];
      // The default is a valid value too.
      const valid = entry?.default === undefined ? samples.valid : [...samples.valid, entry.default];
      return [`${scope}.${key}`, scope, key, { ...samples, valid }] as [string, Scope, string, Samples];
    }),
  );

  test.each(rows)('%s', (_name, scope, key, samples) => {
    const verdicts = (values: readonly unknown[]) =>
      values.map((value) => ({
        value,
        validator: validatorAccepts(scope, key, value),
        schema: schemaAccepts(documentFor(scope, key, value)),
      }));
    expect(samples.valid.length).toBeGreaterThan(0);
    const expectVerdict = (values: readonly unknown[] | undefined, validator: boolean, schema: boolean) => {
      for (const verdict of verdicts(values ?? []))
        expect(verdict, `${key}: ${JSON.stringify(verdict.value)}`).toEqual({
          value: verdict.value,
          validator,
          schema,
        });
    };
    expectVerdict(samples.valid, true, true);
    expectVerdict(samples.invalid, false, false);
    // Documented looseness: only the validator can tell (zones, cron fields, files, overflow).
    expectVerdict(samples.validatorOnly, false, true);
  });

  test.each([...CROSS_KEY_SAMPLES, ...generateCrossKeySamples()])('cross-key rule: %s', (_name, definition, valid) => {
    expect({
      validator: validateTaskDefinition('t', definition, context).issues.length === 0,
      schema: schemaAccepts({ tasks: { t: definition } }),
    }).toEqual({
      validator: valid,
      schema: valid,
    });
  });

  test.each(CROSS_KEY_VALIDATOR_ONLY)('cross-key rule only the validator knows: %s', (_name, definition) => {
    expect({
      validator: validateTaskDefinition('t', definition, context).issues.length === 0,
      schema: schemaAccepts({ tasks: { t: definition } }),
    }).toEqual({ validator: false, schema: true });
  });

  test('the module sample is a real file (validate checks that it exists)', () => {
    expect(statSync(MODULE).isFile()).toBe(true);
  });
});

describe('pattern builders', () => {
  const matches = (pattern: string, text: string) => new RegExp(pattern, 'u').test(text);

  test.each([0, 1, 9, 10, 99, 100, 101, 999, 1000, 1024, 2048])(
    'at least %i: exactly the numbers from it, leading zeros allowed',
    (min) => {
      const pattern = `^${buildAtLeastPattern(min)}$`;
      const wrong: string[] = [];
      for (let value = 0; value <= 12_000; value++) {
        for (const text of [String(value), `00${value}`]) if (matches(pattern, text) !== value >= min) wrong.push(text);
      }
      expect(wrong).toEqual([]);
      expect(matches(pattern, '')).toBe(false);
      expect(matches(pattern, '1e9')).toBe(false);
    },
  );

  test('durations: a minimum of 100ms counts every unit', () => {
    const pattern = buildDurationPattern(100);
    const accepted = ['100ms', '0s100ms', '1s', '1m', '1h', '1d', '1m0ms', '0d0h0m1s', '0100ms'].filter((text) =>
      matches(pattern, text),
    );
    const rejected = ['99ms', '0s99ms', '0s', '0m', '0ms', '1m1h', '5', 'ms', ''].filter(
      (text) => !matches(pattern, text),
    );
    expect([accepted.length, rejected.length]).toEqual([9, 9]);
  });

  test('durations: a minimum above 1s is refused rather than written wrong', () => {
    expect(() => buildDurationPattern(1001)).toThrow(
      'a minimum duration above 1s cannot be written as a pattern: 1001ms',
    );
  });

  test('byte sizes: at least 1KiB in every unit', () => {
    const pattern = buildByteSizePattern(1024);
    expect(
      ['1024', '1024B', '2KB', '1KiB', '1MB', '1MiB', '1GB', '1GiB'].filter((text) => matches(pattern, text)),
    ).toHaveLength(8);
    expect(['1023', '1023B', '1KB', '0KiB', '1kib', '1 KiB', '1TB'].filter((text) => matches(pattern, text))).toEqual(
      [],
    );
  });
});
