/**
 * Issue 18.7 through bin/taskkit against a real daemon: output a person reads at a glance. Run
 * durations have at most two units (history, logs, run-now --wait), a far instant is whole years
 * plus its date, NEXT names a zone that is not the CLI's own (TZ=UTC here), a run-time reschedule
 * is marked in words, and `show` prints sizes as the tasks file writes them. Usage errors speak
 * taskkit's words with one did-you-mean wording.
 */
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, test } from 'vitest';
import { cliEnv, runTaskkit } from '../support/cli-process.js';
import { cleanUpDaemons, daemonTasks, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const FAR = '2099-12-01T00:00:00Z';

test('durations, far instants, a foreign zone, the reschedule mark and sizes', { timeout: 60_000 }, async () => {
  const d = makeDaemonDir();
  d.writeTasks(
    daemonTasks([
      '  ny: { cron: "0 7 * * *", timezone: America/New_York, run: "true" }',
      `  far: { at: "${FAR}", run: "true" }`,
      '  quick: { run: "sleep 0.3", history: { output-limit: 64KB } }',
      '  tick: { every: 1h, run: "true" }',
    ]),
  );
  expect((await d.taskkit(['start'])).code).toBe(0);
  const startedAt = Date.now();

  // A run of about 0.3 s: "0.3s"-like, never "303ms" once past a second, never "0s303ms".
  const wait = await d.taskkit(['run-now', 'quick', '--wait']);
  expect(wait.code).toBe(0);
  const history = await d.taskkit(['history', 'quick']);
  expect(history.stdout).toMatch(/^ +\d+ +quick +manual +\S+ +(\d{3}ms|\d\.\ds) +0 +succeeded$/m);
  expect(history.stdout).not.toMatch(/\d+s\d+ms/);

  expect((await d.taskkit(['reschedule', 'tick', '--every', '2h'])).code).toBe(0);
  const list = await d.taskkit(['list']);
  expect(list.code).toBe(0);
  const years = Math.floor((Date.parse(FAR) - Date.now()) / (365 * 86_400_000));
  const rows = list.stdout.split('\n');
  expect(rows.find((row) => row.startsWith('far '))).toMatch(
    new RegExp(`^far +at 2099-12-01 00:00 +scheduled +in ${years}y \\(2099-12-01 00:00:00\\) +-$`),
  );
  expect(rows.find((row) => row.startsWith('ny '))).toMatch(
    /^ny +cron 0 7 \* \* \* \(America\/New_York\) +scheduled +in \S+ \((\d{4}-\d\d-\d\d )?07:00:00 America\/New_York\)/,
  );
  expect(rows.find((row) => row.startsWith('tick '))).toMatch(
    /^tick +every 2h \(rescheduled\) +scheduled +in (\d+h(\d\dm)?|\d+m(\d\ds)?|\d+s) \(/,
  );
  expect(rows.at(-2)).toBe(
    "(rescheduled): changed at run time; taskkit reschedule NAME --reset restores the tasks file's schedule",
  );
  expect(list.stdout).not.toMatch(/\d+d\d+h\d+m/);

  const show = await d.taskkit(['show', 'quick']);
  expect(show.stdout).toMatch(/history keep \d+, output-limit 64KB$/m);
  expect(show.stdout).toMatch(/^ +\d+ +manual +\S+ \S+ \S+ +(\d{3}ms|\d\.\ds) +succeeded$/m);
  expect((await d.taskkit(['show', 'tick'])).stdout).toMatch(/output-limit 256KiB$/m);

  // Uptime is a glance too: "2.5s", "42s", "1m12s", never "1s514ms". Asked past its first second (the
  // steps above took 0.9 s in one CI run, and "904ms" is the form below a second).
  await sleep(Math.max(0, 1_100 - (Date.now() - startedAt)));
  expect((await d.taskkit(['status'])).stdout).toMatch(/^ +uptime +(\d\.\ds|\d+s|\d+m(\d\ds)?) \(since /m);
  expect((await d.taskkit(['stop'])).code).toBe(0);
});

test('usage errors: taskkit wording, one did-you-mean wording, where to read more; exit 2', async () => {
  const env = cliEnv();
  const option = await runTaskkit(['reschedule', 'backup', '--evry', '5m'], { cwd: tmpdir(), env });
  expect([option.code, option.stdout, option.stderr]).toEqual([
    2,
    '',
    'taskkit: unknown option "--evry" for "reschedule" (did you mean "--every"); see taskkit reschedule --help\n',
  ]);
  const verb = await runTaskkit(['stauts'], { cwd: tmpdir(), env });
  expect([verb.code, verb.stderr]).toEqual([
    2,
    'taskkit: unknown verb "stauts" (did you mean "status"); see taskkit help\n',
  ]);
});

test('a verb that needs a command, help for no verb: the help, then what is missing', async () => {
  const env = cliEnv();
  const service = await runTaskkit(['service'], { cwd: tmpdir(), env });
  expect(service.code).toBe(2);
  expect(service.stderr).toContain('Usage: taskkit service');
  expect(service.stderr).not.toContain('(outputHelp)');
  expect(service.stderr).toMatch(
    /\ntaskkit: "taskkit service" needs a command: install, uninstall or status; see taskkit service --help\n$/,
  );
  const bare = await runTaskkit([], { cwd: tmpdir(), env });
  expect(bare.code).toBe(2);
  expect(bare.stderr).toMatch(/\ntaskkit: a verb is needed \(listed above\); see taskkit --help\n$/);
  const help = await runTaskkit(['help', 'servce'], { cwd: tmpdir(), env });
  expect(help.code).toBe(2);
  expect(help.stderr).toMatch(/\ntaskkit: unknown verb "servce" \(did you mean "service"\); see taskkit help\n$/);
});
