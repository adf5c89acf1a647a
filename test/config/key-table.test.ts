// config/key-table.ts is the one list of tasks-file keys (issue 6): the validator accepts exactly
// its keys, man/taskkit.yaml.5 documents exactly its keys, and its defaults are the defaults the
// validator applies. A key added in one place only fails here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, parseTasksText } from '../../src/config/load.js';
import type { ConfigIssue } from '../../src/config/issues.js';
import {
  CLUSTER_KEY_TABLE,
  HISTORY_KEY_TABLE,
  RETRY_KEY_TABLE,
  SETTINGS_KEY_TABLE,
  TASK_KEY_TABLE,
  TOP_KEY_TABLE,
} from '../../src/config/key-table.js';
import { NOTIFY_KEY_TABLE } from '../../src/config/notify-keys.js';
import type { KeyTable } from '../../src/config/value-shape.js';
import { resolveSettings, validateTaskDefinition } from '../../src/config/normalize.js';
import { validateSettings } from '../../src/config/settings.js';
import { TEST_ENV } from '../support/config-issues.js';
import { MODULE_FIXTURES } from '../support/module-run.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODULE = `${MODULE_FIXTURES}echo-context.js`;
const settings = resolveSettings(undefined, { baseDir: '/srv/jobs', env: TEST_ENV });
const context = { settings, baseDir: '/srv/jobs' };

type Scope = 'top' | 'settings' | 'task' | 'retry' | 'history' | 'notify' | 'cluster';
const TABLES: Record<Scope, KeyTable> = {
  top: TOP_KEY_TABLE,
  settings: SETTINGS_KEY_TABLE,
  task: TASK_KEY_TABLE,
  retry: RETRY_KEY_TABLE,
  history: HISTORY_KEY_TABLE,
  notify: NOTIFY_KEY_TABLE,
  cluster: CLUSTER_KEY_TABLE,
};
const SCOPES = Object.keys(TABLES) as Scope[];

/** Keys of man/taskkit.yaml.5, by scope, read from the page's structure (see each comment). */
function readManKeys(): Record<Scope, string[]> {
  const page = readFileSync(`${ROOT}man/taskkit.yaml.5`, 'utf8');
  const lines = page.split('\n');
  const unescape = (text: string): string => text.replace(/\\-/g, '-');
  const boldWords = (text: string): string[] =>
    [...text.matchAll(/\\fB((?:[^\\]|\\-)+)\\fP/g)].map((match) => unescape(match[1] as string));
  // `.TP` then `.B key` or `.BR key " text" key2 ...`: the bold (even) arguments are keys.
  const entries: { section: string; keys: string[]; paragraph: string }[] = [];
  let section = '';
  for (const [index, line] of lines.entries()) {
    if (line.startsWith('.SH ')) section = line.slice(4).replace(/"/g, '').split(' ')[0] as string;
    if (lines[index - 1] !== '.TP' || !/^\.BR? /.test(line)) continue;
    const args = [...line.replace(/^\.BR? /, '').matchAll(/"([^"]*)"|(\S+)/g)].map(
      (match) => match[1] ?? match[2] ?? '',
    );
    const end = lines.findIndex((next, at) => at > index && next.startsWith('.'));
    entries.push({
      section,
      keys: args.filter((_, at) => at % 2 === 0).map(unescape),
      paragraph: lines.slice(index + 1, end).join(' '),
    });
  }
  const keysIn = (...sections: string[]) =>
    entries.filter((entry) => sections.includes(entry.section)).flatMap((entry) => entry.keys);
  const paragraphOf = (section: string, key: string) =>
    entries.find((entry) => entry.section === section && entry.keys.includes(key))?.paragraph ?? '';
  // DESCRIPTION: "A YAML 1.2 document with two top-level keys: \fBsettings\fP (optional) and \fBtasks\fP (...)."
  const topSentence = /top\\-level keys:([^.]*)\./.exec(page.replace(/\n/g, ' '))?.[1] ?? '';
  // `retry`: "\fIN\fP, or \fB{attempts, delay, backoff, max\-delay}\fP: ..."
  const retryMap = /\\fB\{([^}]*)\}\\fP/.exec(paragraphOf('TASK', 'retry'))?.[1] ?? '';
  return {
    top: boldWords(topSentence),
    settings: keysIn('SETTINGS'),
    task: keysIn('SCHEDULE', 'WHAT', 'TASK'),
    retry: unescape(retryMap)
      .split(/,\s*/)
      .filter((key) => key !== ''),
    // settings `history`: "\fBkeep\fP: runs kept per task (...); \fBoutput\-limit\fP: ..."
    history: boldWords(paragraphOf('SETTINGS', 'history')),
    // `.SH NOTIFY`: one `.TP` entry per key of a notify map.
    notify: keysIn('NOTIFY'),
    // `.SH CLUSTER`: one `.TP` entry per key of settings.cluster.
    cluster: keysIn('CLUSTER'),
  };
}

/** Keys the readers look up by name: `read('key', ...)`, `def['key']`, `map['key']`, ... */
function readReaderKeys(): string[] {
  const files = ['task', 'settings', 'policies', 'schedule', 'action', 'validate'].map((name) =>
    readFileSync(`${ROOT}src/config/${name}.ts`, 'utf8'),
  );
  const pattern = /\bread(?:<[^>(]*>)?\('([a-z][a-z-]*)'|\b(?:def|definition|map|root|entries)\['([a-z][a-z-]*)'\]/g;
  return [
    ...new Set(files.flatMap((text) => [...text.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? ''))),
  ].sort();
}

const hasUnknownKey = (issues: readonly ConfigIssue[], key: string): boolean =>
  issues.some((issue) => issue.code === 'unknown-key' && issue.path.at(-1) === key);

/** Whether the validator takes `key` in `scope` (any value: only "unknown key" matters here). */
function acceptsKey(scope: Scope, key: string): boolean {
  const task = (definition: Record<string, unknown>) => validateTaskDefinition('t', definition, context).issues;
  switch (scope) {
    case 'top': {
      const text = stringify({ tasks: { t: { run: 'x' } }, [key]: null });
      try {
        parseTasksText(text, 'tasks.yaml', { env: TEST_ENV, baseDir: '/srv/jobs' });
        return true;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return !hasUnknownKey(error.issues, key);
      }
    }
    case 'settings':
      return !hasUnknownKey(validateSettings({ [key]: null }, { baseDir: '/srv/jobs', env: TEST_ENV }).issues, key);
    case 'task':
      return !hasUnknownKey(task({ run: 'x', [key]: null }), key);
    case 'retry':
      return !hasUnknownKey(task({ run: 'x', retry: { attempts: 1, [key]: null } }), key);
    case 'history': {
      const inSettings = !hasUnknownKey(
        validateSettings({ history: { [key]: null } }, { baseDir: '/srv/jobs', env: TEST_ENV }).issues,
        key,
      );
      const inTask = !hasUnknownKey(task({ run: 'x', history: { [key]: null } }), key);
      expect(inTask, `history key "${key}": settings and task disagree`).toBe(inSettings);
      return inSettings;
    }
    case 'notify': {
      const inSettings = !hasUnknownKey(
        validateSettings({ notify: { run: 'x', [key]: null } }, { baseDir: '/srv/jobs', env: TEST_ENV }).issues,
        key,
      );
      const inTask = !hasUnknownKey(task({ run: 'x', notify: { run: 'x', [key]: null } }), key);
      expect(inTask, `notify key "${key}": settings and task disagree`).toBe(inSettings);
      return inSettings;
    }
    case 'cluster': {
      const raw = { timezone: 'UTC', cluster: { store: 'postgres://db/jobs', [key]: null } };
      return !hasUnknownKey(validateSettings(raw, { baseDir: '/srv/jobs', env: TEST_ENV }).issues, key);
    }
  }
}

describe('one set of keys: the table, the validator and the man page agree', () => {
  const manKeys = readManKeys();
  const readerKeys = readReaderKeys();
  const tableKeys = (scope: Scope) => Object.keys(TABLES[scope]).sort();
  const allTableKeys = new Set(SCOPES.flatMap((scope) => Object.keys(TABLES[scope])));
  // Typos too: the validator must turn them down.
  const candidates = [
    ...new Set([
      ...allTableKeys,
      ...SCOPES.flatMap((scope) => manKeys[scope]),
      ...readerKeys,
      'tiemout',
      'shedule',
      'setting',
    ]),
  ];

  test('the man page parse finds the expected number of keys in each scope', () => {
    expect(Object.fromEntries(SCOPES.map((scope) => [scope, manKeys[scope].length]))).toEqual({
      top: 2,
      settings: 14,
      task: 38,
      retry: 5,
      history: 2,
      notify: 7,
      cluster: 6,
    });
  });

  test.each(SCOPES)('%s: the man page documents exactly the table keys', (scope) => {
    expect([...manKeys[scope]].sort()).toEqual(tableKeys(scope));
  });

  test.each(SCOPES)('%s: the validator accepts exactly the table keys', (scope) => {
    expect(candidates.filter((key) => acceptsKey(scope, key)).sort()).toEqual(tableKeys(scope));
  });

  test('every key a reader looks up is in the table', () => {
    // The scan itself must work: keys of each reader file are found.
    expect(readerKeys).toEqual(
      expect.arrayContaining(['timeout', 'shutdown-grace', 'attempts', 'output-limit', 'start', 'export', 'settings']),
    );
    expect(readerKeys.filter((key) => !allTableKeys.has(key))).toEqual([]);
  });

  test('the task keys are listed in the order of the man page', () => {
    expect(Object.keys(TASK_KEY_TABLE)).toEqual(manKeys.task);
    expect(Object.keys(SETTINGS_KEY_TABLE)).toEqual([
      'timezone',
      'state-dir',
      'socket',
      'max-concurrent',
      'groups',
      'shell',
      'history',
      'hold-after-failures',
      'notify',
      'shutdown-grace',
      'reboot',
      'calendars',
      'http',
      'cluster',
    ]);
  });
});

describe('each default in the table is the default the validator applies', () => {
  const withDefaults = (table: KeyTable) => Object.entries(table).filter(([, entry]) => entry.default !== undefined);
  const specOf = (definition: Record<string, unknown>) => {
    const { task, issues } = validateTaskDefinition('t', definition, context);
    expect(issues).toEqual([]);
    if (task === undefined) throw new Error('no task');
    return task;
  };
  const settingsOf = (raw: Record<string, unknown>) => {
    const result = validateSettings(raw, { baseDir: '/srv/jobs', env: TEST_ENV });
    expect(result.issues).toEqual([]);
    return result.settings;
  };

  test('the keys that have one', () => {
    expect(
      SCOPES.flatMap((scope) =>
        withDefaults(TABLES[scope]).map(([key, entry]) => `${scope}.${key}=${JSON.stringify(entry.default)}`),
      ),
    ).toEqual([
      'settings.max-concurrent=8',
      'settings.shell="/bin/sh"',
      'settings.shutdown-grace="30s"',
      'settings.reboot="once-per-boot"',
      'task.export="default"',
      'task.description=""',
      'task.kill-after="10s"',
      'task.overlap="skip"',
      'task.retry=0',
      'task.jitter="0s"',
      'task.catch-up="skip"',
      'task.hold=false',
      'task.after=[]',
      'task.on-success=[]',
      'task.on-failure=[]',
      'task.scope="cluster"',
      'retry.delay="10s"',
      'retry.backoff=2',
      'retry.max-delay="10m"',
      'retry.interrupted=false',
      'history.keep=200',
      'history.output-limit="256KiB"',
      'notify.on=["failure","recovery","overdue","auto-hold"]',
      'notify.after=1',
      'cluster.name="taskkit"',
      'cluster.beat="5s"',
      'cluster.lease="30s"',
    ]);
  });

  test.each(withDefaults(TASK_KEY_TABLE))('task %s', (key, entry) => {
    const base = key === 'export' ? { module: MODULE } : { run: 'x' };
    expect(specOf({ ...base, [key]: entry.default })).toEqual(specOf(base));
  });

  test.each(withDefaults(SETTINGS_KEY_TABLE))('settings %s', (key, entry) => {
    expect(settingsOf({ [key]: entry.default })).toEqual(settingsOf({}));
  });

  test.each(withDefaults(RETRY_KEY_TABLE))('retry %s', (key, entry) => {
    // With retries, so that the retry policy is the one of the map, not NO_RETRY.
    expect(specOf({ run: 'x', retry: { attempts: 2, [key]: entry.default } }).retry).toEqual(
      specOf({ run: 'x', retry: 2 }).retry,
    );
  });

  test.each(withDefaults(NOTIFY_KEY_TABLE))('notify %s', (key, entry) => {
    expect(specOf({ run: 'x', notify: { run: 'y', [key]: entry.default } })).toEqual(
      specOf({ run: 'x', notify: { run: 'y' } }),
    );
  });

  test.each(withDefaults(CLUSTER_KEY_TABLE))('settings cluster %s', (key, entry) => {
    const store = 'postgres://db/jobs';
    expect(settingsOf({ timezone: 'UTC', cluster: { store, [key]: entry.default } })).toEqual(
      settingsOf({ timezone: 'UTC', cluster: { store } }),
    );
  });

  test.each(withDefaults(HISTORY_KEY_TABLE))('settings history %s', (key, entry) => {
    expect(settingsOf({ history: { [key]: entry.default } })).toEqual(settingsOf({}));
  });
});

describe('the readers take their enum values from the table', () => {
  test.each([
    ['overlap', ['skip', 'queue', 'replace', 'allow']],
    ['catch-up', ['skip', 'once', 'all']],
    ['scope', ['cluster', 'host']],
  ] as const)('%s', (key, values) => {
    const shape = TASK_KEY_TABLE[key].shape;
    expect(shape.values).toEqual(values);
    const message = validateTaskDefinition('t', { run: 'x', [key]: 'nope' }, context).issues.map(
      (issue) => issue.message,
    );
    expect(message).toEqual([
      `expected one of ${values
        .map((value) => `"${value}"`)
        .join(', ')
        .replace(/, ([^,]*)$/, ' or $1')}, got "nope"`,
    ]);
  });
});
