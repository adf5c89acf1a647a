/**
 * `reload --dry-run` and `validate --against-daemon` through bin/taskkit against a real daemon: the
 * plan names what a reload would do, the daemon still runs the old definitions until a real reload;
 * a file it would refuse, and no daemon at all. Daemons and task groups are killed by pid afterwards.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { ShowResult } from '../../src/control/protocol.js';
import type { ReloadPlanView } from '../../src/control/reload-plan-view.js';
import type { TaskView } from '../../src/control/views.js';
import { cleanUpDaemons, daemonTasks, makeDaemonDir, readDaemonLog, startDetached } from './_daemon.js';

afterEach(cleanUpDaemons);

const BEFORE = daemonTasks([
  '  report:',
  '    daily: "07:00"',
  '    timeout: 5m',
  '    run: sleep 30',
  '  old-sync:',
  '    every: 1h',
  '    run: echo sync',
  '  keep:',
  '    every: 1h',
  '    run: echo keep',
  '    env:',
  '      TOKEN: {secret: first-secret-value}',
]);

const AFTER = daemonTasks(
  [
    '  report:',
    '    daily: "06:30"',
    '    timeout: 10m',
    '    run: sleep 30',
    '  keep:',
    '    every: 1h',
    '    run: echo keep',
    '    env:',
    '      TOKEN: {secret: second-secret-value}',
    '  cleanup:',
    '    every: 1h',
    '    run: echo clean',
  ],
  ['  max-concurrent: 4'],
);

describe('against a running daemon', () => {
  test('the plan, nothing applied; then reload applies it', { timeout: 60_000 }, async () => {
    const d = makeDaemonDir();
    d.writeTasks(BEFORE);
    const pid = await startDetached(d);
    const started = await d.taskkit(['run-now', 'report']);
    const runPid = /\(pid (\d+)\)/.exec(started.stdout)?.[1];
    expect(runPid, started.stdout + started.stderr).toBeDefined();
    d.track(Number(runPid));
    const runId = /#(\d+)/.exec(started.stdout)?.[1];

    d.writeTasks(AFTER);
    const dry = await d.taskkit(['reload', '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    const lines = dry.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('reload would:');
    expect(lines).toContain('  remove  old-sync  (every 1h)');
    expect(lines).toContain('  change  report    schedule: daily 07:00 -> daily 06:30; timeout: 5m -> 10m');
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^ {20}its running run #${runId} \\(started \\d\\d:\\d\\d:\\d\\d\\) keeps the old definition until it ends$`,
        ),
      ),
    );
    expect(lines).toContain('  change  keep      env.TOKEN: (secret) changed');
    expect(lines).toContain('  add     cleanup   (every 1h)');
    expect(lines).toContain(
      '  settings: max-concurrent: 8 -> 4 (a reload keeps the old value: it takes effect at the next start)',
    );
    expect(lines.at(-1)).toBe('nothing else changes (0 tasks unchanged)');
    expect(dry.stdout).not.toMatch(/secret-value/);

    expect((await d.taskkit(['reload', '--dry-run', '--exit-code'])).code).toBe(1);
    const json = JSON.parse((await d.taskkit(['reload', '--dry-run', '--json'])).stdout) as { plan: ReloadPlanView };
    expect(json.plan.tasks.map((task) => [task.change, task.name])).toEqual([
      ['remove', 'old-sync'],
      ['change', 'report'],
      ['change', 'keep'],
      ['add', 'cleanup'],
    ]);
    expect(JSON.stringify(json)).not.toMatch(/secret-value/);

    // Nothing applied: the daemon still runs the old definitions.
    const shown = JSON.parse((await d.taskkit(['show', 'report', '--json'])).stdout) as ShowResult;
    expect(shown.definition.timeoutMs).toBe(300_000);
    const names = (JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[]).map((task) => task.name);
    expect(names).toEqual(['report', 'old-sync', 'keep']);

    const reload = await d.taskkit(['reload']);
    expect(reload.stdout).toBe(
      'reloaded: 1 added (cleanup), 2 changed (report, keep), 1 removed (old-sync), 0 unchanged\n',
    );
    const after = JSON.parse((await d.taskkit(['show', 'report', '--json'])).stdout) as ShowResult;
    expect(after.definition.timeoutMs).toBe(600_000);
    // max-concurrent is still the one the daemon started with: the plan keeps saying so, and so
    // does the log of every reload until a restart.
    const warning = /settings max-concurrent changed: they take effect at the next start/g;
    expect(readDaemonLog(d).match(warning)).toHaveLength(1);
    await d.taskkit(['reload']);
    expect(readDaemonLog(d).match(warning)).toHaveLength(2);
    const again = await d.taskkit(['reload', '--dry-run', '--exit-code']);
    expect([again.code, again.stdout]).toEqual([
      1,
      'reload would:\n' +
        '  settings: max-concurrent: 8 -> 4 (a reload keeps the old value: it takes effect at the next start)\n' +
        'nothing else changes (3 tasks unchanged)\n',
    ]);

    // validate --against-daemon: another file, compared with what the daemon runs.
    const other = join(d.dir, 'other.yaml');
    writeFileSync(other, `${AFTER.join('\n').replace('timeout: 10m', 'timeout: 20m')}\n`);
    const validated = await d.taskkit(['validate', other, '--against-daemon']);
    expect(validated.code).toBe(0);
    expect(validated.stdout.split('\n').slice(0, 3)).toEqual([
      `${other}: 3 tasks, valid`,
      `if the daemon ran ${other} instead of ${join(d.dir, 'tasks.yaml')}, reload would:`,
      '  change  report  timeout: 10m -> 20m',
    ]);
    expect(JSON.parse((await d.taskkit(['validate', other, '--against-daemon', '--json'])).stdout)).toMatchObject({
      file: other,
      valid: true,
      plan: { tasks: [{ name: 'report', change: 'change' }], unchanged: 2 },
    });
    expect(pid).toBe(d.readPid());
  });

  test('a file the reload would refuse: its errors, exit 2, the daemon unchanged', { timeout: 60_000 }, async () => {
    const d = makeDaemonDir();
    d.writeTasks(BEFORE);
    await startDetached(d);
    d.writeTasks([...AFTER, '  broken:', '    every: 5 minutes', '    run: "true"']);
    const dry = await d.taskkit(['reload', '--dry-run']);
    expect(dry.code).toBe(2);
    expect(dry.stdout).toBe('');
    expect(dry.stderr).toMatch(/tasks\.yaml:\d+:\d+: task "broken"/);
    expect(dry.stderr).toMatch(/a reload would be refused; the daemon would go on with the tasks it has/);
    const json = await d.taskkit(['reload', '--dry-run', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { code: 'CONFIG_INVALID', issues: [{ task: 'broken', severity: 'error' }] },
    });
    const validated = await d.taskkit(['validate', '--against-daemon']);
    expect(validated.code).toBe(2);
    expect(validated.stderr).toMatch(/task "broken"/);
    const names = (JSON.parse((await d.taskkit(['list', '--json'])).stdout) as TaskView[]).map((task) => task.name);
    expect(names).toEqual(['report', 'old-sync', 'keep']);
  });
});

test('no daemon: validate says the file is valid, then that no daemon answers (exit 3)', async () => {
  const d = makeDaemonDir();
  d.writeTasks(BEFORE);
  const validated = await d.taskkit(['validate', '--against-daemon']);
  expect(validated.code).toBe(3);
  expect(validated.stdout).toBe(`${join(d.dir, 'tasks.yaml')}: 3 tasks, valid\n`);
  expect(validated.stderr).toMatch(/no taskkit daemon reachable on .*taskkit\.sock/);
  const dry = await d.taskkit(['reload', '--dry-run']);
  expect(dry.code).toBe(3);
  const usage = await d.taskkit(['reload', '--exit-code']);
  expect([usage.code, usage.stderr]).toEqual([2, 'taskkit: reload: --exit-code goes with --dry-run\n']);
});
