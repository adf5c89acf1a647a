/** The YAML text: exact layout, comments in place, and every string round-trips. */
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { emitTasksYaml } from '../../../src/config/crontab/emit.js';
import type { ImportedTask, Translation } from '../../../src/config/crontab/translate.js';
import { parseTasksText } from '../../../src/config/load.js';

function task(overrides: Partial<ImportedTask> & Pick<ImportedTask, 'name' | 'cron' | 'run'>): ImportedTask {
  return {
    line: 1,
    description: null,
    original: overrides.cron,
    timezone: null,
    shell: null,
    env: {},
    user: null,
    ...overrides,
  };
}

const HEADER = [
  '# Imported from crontab.txt by taskkit import-crontab on 2026-03-01.',
  '# cron ran each command with a small environment of its own (HOME, LOGNAME, SHELL=/bin/sh,',
  "# PATH=/usr/bin:/bin, then the crontab's assignments); taskkit runs it with the daemon's",
  "# environment plus the task's env. Jobs without CRON_TZ ran in the system's time zone, and so do",
  '# tasks without timezone here. Check a schedule with: taskkit next NAME -n 5',
];

describe('emitTasksYaml', () => {
  test('the exact text: header, comments above their task, keys in a fixed order', () => {
    const translation: Translation = {
      entries: [
        {
          task: task({
            name: 'backup',
            description: 'Nightly backup',
            cron: '0 3 * * *',
            timezone: 'Europe/Berlin',
            shell: '/bin/bash',
            env: { PATH: '/usr/bin:/bin' },
            run: '/usr/bin/backup --all',
          }),
          comments: [' m h dom mon dow command'],
        },
        {
          task: task({ name: 'boot', cron: '@reboot', run: 'echo up' }),
          comments: [' import-crontab: line 4 not translated (bad minute "61"): 61 * * * * x'],
        },
      ],
      trailingComments: [' the end'],
      notes: [{ line: 4, message: 'not translated (bad minute "61")' }],
    };
    expect(emitTasksYaml(translation, { source: 'crontab.txt', date: '2026-03-01' })).toBe(
      [
        ...HEADER,
        '# Lines marked "import-crontab: ... not translated" need your attention.',
        '',
        'tasks:',
        '  # m h dom mon dow command',
        '  backup:',
        '    description: Nightly backup',
        '    cron: "0 3 * * *"',
        '    timezone: Europe/Berlin',
        '    shell: /bin/bash',
        '    env:',
        '      PATH: /usr/bin:/bin',
        '    run: /usr/bin/backup --all',
        '',
        '  # import-crontab: line 4 not translated (bad minute "61"): 61 * * * * x',
        '  boot:',
        '    cron: "@reboot"',
        '    run: echo up',
        '  # the end',
        '',
      ].join('\n'),
    );
  });

  test('without a date the header has none (stable output)', () => {
    const text = emitTasksYaml({ entries: [], trailingComments: [], notes: [] }, { source: 'standard input' });
    expect(text.split('\n')[0]).toBe('# Imported from standard input by taskkit import-crontab.');
    expect(text.endsWith('\ntasks: {}\n')).toBe(true);
  });

  test('awkward strings round-trip exactly', () => {
    const runs = [
      `printf '%s\\n' 'Good morning,' 'it'\\''s 50% done' | ( mail -s "Report: daily" root )`,
      'echo "a: b" # not a YAML comment',
      "printf '%s\\n' 'x' | (\ncat # note\n)",
      '  leading and trailing blanks  ',
      '- looks like a list',
      '@at-sign and *star and &anchor',
      'true',
      'tab\there',
    ];
    const entries = runs.map((run, index) => ({
      task: task({ name: `t${index}`, cron: '*/5 * * * *', run, env: { N: '007', B: 'yes', E: '' } }),
      comments: [],
    }));
    const data = parse(emitTasksYaml({ entries, trailingComments: [], notes: [] }, { source: 'x' }), {
      schema: 'core',
    }) as {
      tasks: Record<string, { run: string; env: Record<string, string>; cron: string }>;
    };
    expect(Object.values(data.tasks).map((definition) => definition.run)).toEqual(runs);
    expect(data.tasks['t0']?.env).toEqual({ N: '007', B: 'yes', E: '' });
    expect(data.tasks['t0']?.cron).toBe('*/5 * * * *');
  });

  test('a carriage return in a kept line cannot end the comment early', () => {
    const text = emitTasksYaml(
      { entries: [], trailingComments: [' import-crontab: line 1 not translated (x): bad\rtasks: evil'], notes: [] },
      { source: 'x' },
    );
    expect(text).toContain('# import-crontab: line 1 not translated (x): bad\\u000dtasks: evil');
    expect(parse(text)).toEqual({ tasks: {} });
  });

  test('the output is a tasks file taskkit accepts', () => {
    const entries = [
      {
        task: task({
          name: 'report',
          cron: '30 6 * jan-mar mon-fri',
          timezone: 'Europe/Berlin',
          run: 'echo "report: $(date)"',
          description: 'Quarter close',
        }),
        comments: [],
      },
    ];
    const file = parseTasksText(
      emitTasksYaml({ entries, trailingComments: [], notes: [] }, { source: 'x' }),
      'tasks.yaml',
      { env: { TZ: 'UTC' }, baseDir: '/tmp' },
    );
    expect(file.tasks.map((spec) => [spec.name, spec.schedule, spec.timezone, spec.description])).toEqual([
      ['report', { kind: 'cron', expression: '30 6 * jan-mar mon-fri' }, 'Europe/Berlin', 'Quarter close'],
    ]);
  });
});
