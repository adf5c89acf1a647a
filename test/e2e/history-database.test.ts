/**
 * Issue 13.6, through bin/taskkit against a real daemon: `history` and `logs` read the database
 * of the daemon answering on the chosen socket (--socket, $TASKKIT_SOCKET), not the one of
 * ./tasks.yaml's state dir, and say which in --json and, on a terminal, on stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { RunView } from '../../src/control/views.js';
import { cliEnv, runTaskkit } from '../support/cli-process.js';
import { runOnTerminal } from '../support/terminal.js';
import { cleanUpDaemons, makeDaemonDir, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

interface Source {
  path: string;
  from: string;
  pid: number | null;
  socket: string | null;
}

/** A daemon whose task `backup` printed `output` once; its pid. */
async function daemonWithOneRun(output: string): Promise<{ d: DaemonDir; pid: number | null }> {
  const d = makeDaemonDir();
  d.writeTasks(['settings:', '  state-dir: ./state', 'tasks:', '  backup:', `    run: echo ${output}`]);
  expect((await d.taskkit(['start'])).code).toBe(0);
  expect((await d.taskkit(['run-now', 'backup', '--wait'])).code).toBe(0);
  return { d, pid: d.readPid() };
}

test(
  "with $TASKKIT_SOCKET or --socket naming a daemon, history and logs read its database, not ./tasks.yaml's",
  { timeout: 60_000 },
  async () => {
    const { d, pid } = await daemonWithOneRun('from the daemon');

    // Elsewhere: another tasks file, whose own state dir has no database at all.
    const elsewhere = join(d.dir, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(
      join(elsewhere, 'tasks.yaml'),
      'settings:\n  state-dir: ./other-state\ntasks:\n  other: { run: "true" }\n',
    );
    const database = { path: join(d.stateDir, 'taskkit.db'), from: 'daemon', pid, socket: d.socket };
    const viaEnv = await runTaskkit(['history', '--json'], {
      cwd: elsewhere,
      env: cliEnv({ TASKKIT_SOCKET: d.socket }),
    });
    expect(viaEnv.code).toBe(0);
    const listed = JSON.parse(viaEnv.stdout) as { database: Source; runs: RunView[] };
    expect(listed.database).toEqual(database);
    expect(listed.runs.map((run) => [run.task, run.status])).toEqual([['backup', 'succeeded']]);

    const table = await runTaskkit(['history', '--socket', d.socket], { cwd: elsewhere, env: cliEnv() });
    expect([table.code, table.stderr]).toEqual([0, '']);
    expect(table.stdout).toMatch(/\n +\d+ +backup +manual /);

    const logs = await runTaskkit(['logs', 'backup', '--socket', d.socket], { cwd: elsewhere, env: cliEnv() });
    expect([logs.code, logs.stdout, logs.stderr]).toEqual([0, 'from the daemon\n', '']);
    const logsJson = JSON.parse(
      (await runTaskkit(['logs', 'backup', '--json'], { cwd: elsewhere, env: cliEnv({ TASKKIT_SOCKET: d.socket }) }))
        .stdout,
    ) as { database: Source; run: RunView };
    expect([logsJson.database, logsJson.run.output]).toEqual([database, 'from the daemon\n']);
    const followed = JSON.parse(
      (
        await runTaskkit(['logs', 'backup', '--follow', '--json'], {
          cwd: elsewhere,
          env: cliEnv({ TASKKIT_SOCKET: d.socket }),
        })
      ).stdout,
    ) as { database: Source };
    expect(followed.database).toEqual(database);

    // No daemon: the tasks file's state dir, and --json says so.
    expect((await d.taskkit(['stop'])).code).toBe(0);
    const offline = JSON.parse((await d.taskkit(['history', '--json'])).stdout) as {
      database: Source;
      runs: RunView[];
    };
    expect([offline.database, offline.runs.length]).toEqual([
      { path: join(d.stateDir, 'taskkit.db'), from: 'tasks-file', pid: null, socket: null },
      1,
    ]);
  },
);

test(
  'on a terminal, history and logs name the database they read on stderr; stdout stays the data',
  { timeout: 60_000 },
  async () => {
    const { d, pid } = await daemonWithOneRun('hello');
    const onTerminal = (args: string): { stdout: string; stderr: string } => runOnTerminal(d.dir, args, cliEnv());
    const header =
      `taskkit: runs from ${join(d.stateDir, 'taskkit.db')} (the daemon's, pid ${pid}, ` + `socket ${d.socket})\n`;
    const history = onTerminal('history');
    expect(history.stderr).toBe(header);
    expect(history.stdout).toMatch(/^RUN +TASK/);
    const logs = onTerminal('logs backup');
    expect([logs.stdout, logs.stderr]).toEqual(['hello\n', header]);
  },
);
