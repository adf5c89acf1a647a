/**
 * `taskkit import-crontab` driven as a user drives it: the built bin/taskkit as a subprocess
 * (`npm test` builds first). The done-test: the varied crontab imports into YAML that
 * `taskkit validate` accepts, and for every imported cron task `taskkit next` gives the instants
 * cron would, by an independent oracle (cron-parser, with cron's rules where it differs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { CronExpressionParser } from 'cron-parser';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { cliEnv, collect, killAll, runTaskkit, TASKKIT_BIN, type CliResult } from '../support/cli-process.js';
import { createMemoryIo } from '../support/memory-io.js';

const VARIED = fileURLToPath(new URL('../fixtures/crontab/varied.crontab', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'taskkit-import-'));
const stdinChildren = new Set<ChildProcess>();

afterEach(() => {
  killAll();
  for (const child of stdinChildren) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      process.kill(child.pid, 'SIGKILL');
  }
  stdinChildren.clear();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface JsonImport {
  readonly yaml: string;
  readonly tasks: readonly { name: string; line: number; cron: string; original: string; timezone: string | null }[];
  readonly notes: readonly { line: number | null; message: string }[];
}

/** What cron means by each macro (crontab(5)), written here independently of taskkit's table. */
const CRON_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** 2026-03-01T00:00 local, as `next --from` reads it, in each zone the fixture uses (both outside DST then). */
const FROM: Readonly<Record<string, number>> = {
  UTC: Date.parse('2026-03-01T00:00:00Z'),
  'Europe/Berlin': Date.parse('2026-02-28T23:00:00Z'),
  'America/New_York': Date.parse('2026-03-01T05:00:00Z'),
};

/**
 * The first `count` instants cron would run `expression` at, from cron-parser 5 plus cron's own
 * rules where cron-parser differs: day-of-week lists and cronie's `fri-sun` are read item by item
 * (cron-parser rejects repeated values and ranges ending in Sunday as 0), and when day-of-month or
 * day-of-week starts with "*" both must match (Vixie cron; cron-parser would OR them).
 */
function cronOracle(expression: string, tz: string, count: number): string[] {
  const [minute, hour, dom, month, dow] = (CRON_MACROS[expression] ?? expression).split(' ') as [
    string,
    string,
    string,
    string,
    string,
  ];
  const both = dom.startsWith('*') || dow.startsWith('*');
  const from = FROM[tz] as number;
  const instants = new Set<number>();
  for (const item of dow.split(',').map((part) => part.replace(/^(\w+)-(0|sun)$/i, '$1-7'))) {
    const iterator = CronExpressionParser.parse(`${minute} ${hour} ${dom} ${month} ${item}`, {
      currentDate: new Date(from - 1),
      tz,
    });
    const days = new Set(iterator.fields.dayOfMonth.values);
    const weekdays = new Set(iterator.fields.dayOfWeek.values.map((day) => Number(day) % 7));
    let found = 0;
    for (let guard = 0; found < count && guard < 10_000; guard++) {
      const date = iterator.next();
      if (both && !(days.has(date.getDate() as never) && weekdays.has(date.getDay()))) continue;
      instants.add(date.getTime());
      found += 1;
    }
  }
  return [...instants]
    .sort((a, b) => a - b)
    .slice(0, count)
    .map((instant) => new Date(instant).toISOString());
}

/**
 * `taskkit next NAME -n 20 --from 2026-03-01T00:00 --json --config FILE` run in this process (runCli),
 * as the subprocess would run it: the translation is what is checked here, one node start per task
 * would only add time (the done-test keeps one real subprocess to show they agree).
 */
async function nextInProcess(name: string, file: string, cwd: string): Promise<CliResult> {
  const io = createMemoryIo({ cwd, env: { HOME: cwd, TZ: 'UTC', PATH: '/nonexistent' } });
  const args = ['next', name, '-n', '20', '--from', '2026-03-01T00:00', '--json', '--config', file];
  const code = await runCli(args, io);
  return { code, signal: null, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe('the issue 6 done-test: a varied crontab, as a user runs it', () => {
  test('import, validate, and every cron task fires when cron would', { timeout: 120_000 }, async () => {
    const work = join(dir, 'done');
    mkdirSync(work);
    const imported = await runTaskkit(['import-crontab', VARIED], { cwd: work });
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/^taskkit: imported 26 tasks from .*varied\.crontab; 3 lines kept as comments\n/);
    expect(imported.stderr).toContain('  line 33: not translated (bad minute "61": 61 is out of range (0-59))\n');
    const file = join(work, 'tasks.yaml');
    writeFileSync(file, imported.stdout);

    const validated = await runTaskkit(['validate', file], { cwd: work });
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('26 tasks, valid');

    const report = JSON.parse(
      (await runTaskkit(['import-crontab', VARIED, '--json'], { cwd: work })).stdout,
    ) as JsonImport;
    expect(report.yaml.split('\n').slice(1)).toEqual(imported.stdout.split('\n').slice(1));
    const checked = report.tasks.filter((task) => task.cron !== '@reboot');
    expect(checked).toHaveLength(25);
    const results = [];
    for (const task of checked) {
      const next = await nextInProcess(task.name, file, work);
      results.push({
        name: task.name,
        code: next.code,
        instants: next.code === 0 ? (JSON.parse(next.stdout) as { instants: string[] }).instants : next.stderr,
      });
    }
    // The real bin/taskkit prints the same as runCli, byte for byte: one task, the last imported.
    const last = checked.at(-1)?.name ?? '';
    const real = await runTaskkit(
      ['next', last, '-n', '20', '--from', '2026-03-01T00:00', '--json', '--config', file],
      { cwd: work },
    );
    // (stderr differs only in the socket it names: the in-process HOME is the work folder.)
    expect({ code: real.code, stdout: real.stdout }).toEqual({
      code: 0,
      stdout: (await nextInProcess(last, file, work)).stdout,
    });
    const expected = checked.map((task) => ({
      name: task.name,
      code: 0,
      instants: cronOracle(task.original, task.timezone ?? 'UTC', 20),
    }));
    expect(results).toEqual(expected);
  });

  test('an @reboot task has no upcoming instants', async () => {
    const work = join(dir, 'reboot');
    mkdirSync(work);
    const file = join(work, 'tasks.yaml');
    writeFileSync(file, (await runTaskkit(['import-crontab', VARIED], { cwd: work })).stdout);
    const next = await runTaskkit(['next', 'webapp-daemon', '--json', '--config', file], { cwd: work });
    expect({ code: next.code, out: (JSON.parse(next.stdout) as { instants: unknown }).instants }).toEqual({
      code: 0,
      out: [],
    });
  });
});

describe('where the crontab comes from', () => {
  test('"-" reads standard input', async () => {
    const child = spawn(process.execPath, [TASKKIT_BIN, 'import-crontab', '-'], {
      cwd: dir,
      env: cliEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    stdinChildren.add(child);
    child.stdin?.end('# Say hello\n*/5 * * * * echo hello\n');
    const result: CliResult = await collect(child, 15_000);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# Imported from standard input by taskkit import-crontab on \d{4}-\d\d-\d\d\.\n/);
    expect(result.stdout).toContain(
      '\ntasks:\n  echo-hello:\n    description: Say hello\n    cron: "*/5 * * * *"\n    run: echo hello\n',
    );
    expect(result.stderr).toBe('taskkit: imported 1 task from standard input\n');
  });

  test('no argument runs `crontab -l` from the PATH', async () => {
    const bin = join(dir, 'fake-bin');
    mkdirSync(bin);
    const script = [
      '#!/bin/sh',
      '[ "$1" = "-l" ] || exit 64',
      "cat <<'EOF'",
      'MAILTO=me@example.com',
      '@daily /usr/bin/backup --all',
      'EOF',
      '',
    ];
    writeFileSync(join(bin, 'crontab'), script.join('\n'));
    chmodSync(join(bin, 'crontab'), 0o755);
    const result = await runTaskkit(['import-crontab'], { cwd: dir, env: cliEnv({ PATH: `${bin}:/usr/bin:/bin` }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# Imported from crontab -l by taskkit/);
    expect(result.stdout).toContain('\n  backup-all:\n    cron: "@daily"\n    run: /usr/bin/backup --all\n');
    expect(result.stderr).toBe(
      'taskkit: imported 1 task from crontab -l\n  line 1: MAILTO=me@example.com: taskkit does not send mail; ' +
        'see taskkit history and taskkit logs\n',
    );
  });

  test('`crontab -l` saying "no crontab for": exit 1 with its message', async () => {
    const bin = join(dir, 'empty-bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'crontab'), '#!/bin/sh\necho "no crontab for tester" >&2\nexit 1\n');
    chmodSync(join(bin, 'crontab'), 0o755);
    const result = await runTaskkit(['import-crontab'], { cwd: dir, env: cliEnv({ PATH: `${bin}:/usr/bin:/bin` }) });
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: 'taskkit: no crontab for tester: nothing to import\n',
    });
  });

  test('no crontab command on the PATH: exit 2, telling to pass FILE or -', async () => {
    const bin = join(dir, 'no-bin');
    mkdirSync(bin);
    const result = await runTaskkit(['import-crontab'], { cwd: dir, env: cliEnv({ PATH: bin }) });
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'taskkit: there is no crontab command here to run "crontab -l"; give a crontab file, ' +
        'or - to read standard input\n',
    });
  });
});

describe('in-process', () => {
  const now = (): number => Date.parse('2026-03-01T12:00:00Z');

  async function cli(args: string[], stdin: string[] = []): Promise<{ code: number; out: string; err: string }> {
    const io = {
      ...createMemoryIo({ cwd: dir, env: { HOME: dir, TZ: 'UTC', PATH: '/nonexistent' } }),
      stdin: Readable.from(stdin),
      now,
    };
    const code = await runCli(args, io);
    return { code, out: io.stdoutText(), err: io.stderrText() };
  }

  test('--json prints {yaml, tasks, notes} and nothing on stderr', async () => {
    const result = await cli(['import-crontab', '-', '--json'], ['MAILTO=x\n', '0 5 * * * /usr/bin/report\n']);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    const report = JSON.parse(result.out) as JsonImport;
    expect(Object.keys(report)).toEqual(['yaml', 'tasks', 'notes']);
    expect(report.yaml.split('\n')[0]).toBe('# Imported from standard input by taskkit import-crontab on 2026-03-01.');
    expect(report.tasks).toEqual([
      {
        name: 'report',
        line: 2,
        description: null,
        cron: '0 5 * * *',
        original: '0 5 * * *',
        timezone: null,
        shell: null,
        env: {},
        run: '/usr/bin/report',
        user: null,
      },
    ]);
    expect(report.notes).toEqual([
      { line: 1, message: 'MAILTO=x: taskkit does not send mail; see taskkit history and taskkit logs' },
    ]);
  });

  test('a crontab with nothing to import: the YAML anyway, and exit 1', async () => {
    const result = await cli(['import-crontab', '-'], ['# nothing\n', '61 * * * * x\n']);
    expect(result.code).toBe(1);
    expect(result.out).toContain('\ntasks: {}\n');
    expect(result.err).toBe(
      [
        'taskkit: imported 0 tasks from standard input; 1 line kept as comments',
        '  line 2: not translated (bad minute "61": 61 is out of range (0-59))',
        '  no cron job was imported, so the output has no tasks (taskkit validate rejects it)',
        '',
      ].join('\n'),
    );
  });

  test('a file that cannot be read: exit 2 naming it', async () => {
    const result = await cli(['import-crontab', 'missing.crontab']);
    expect({ code: result.code, out: result.out, err: result.err }).toEqual({
      code: 2,
      out: '',
      err: 'taskkit: cannot read the crontab "missing.crontab" (ENOENT)\n',
    });
  });

  test('a system crontab says so in the summary', async () => {
    const file = join(dir, 'system.crontab');
    writeFileSync(file, '17 * * * * root run-parts /etc/cron.hourly\n');
    const result = await cli(['import-crontab', file]);
    expect(result.code).toBe(0);
    expect(result.err.split('\n')[0]).toBe(`taskkit: imported 1 task from ${file} (system crontab: user column read)`);
    expect(result.out).toContain('  # was run as user "root" by cron\n  run-parts-cron-hourly:\n');
  });
});
