/**
 * Issue 16.1, the delivery half, through bin/taskkit: a failing task with `notify: { run:
 * ./notify.sh, after: 2 }` sends exactly one failure alert after 2 failed slots (the script gets
 * the facts and the output tail), then a recovery; `taskkit alerts` (and --json) shows both. A
 * notifier that hangs delays nothing: the daemon answers and runs its tasks on time meanwhile;
 * killed with kill -9 during it, the next daemon delivers the pending alert, late. A `url:`
 * notifier gets the JSON from a real daemon.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { isAlive, waitUntil } from '../support/process-state.js';
import { cleanUpDaemons, countLines, daemonTasks, eventually, makeDaemonDir, readDaemonLog } from './_daemon.js';

const servers: Server[] = [];

afterEach(async () => {
  await cleanUpDaemons();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

interface DeliveryJson {
  readonly task: string;
  readonly event: string;
  readonly runId: number | null;
  readonly status: string;
  readonly notifier: string;
  readonly target: string;
  readonly attempts: number;
  readonly failures: number;
}

function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

function lines(path: string): string[] {
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];
}

test(
  'after: 2 sends one failure after 2 failed slots, then a recovery; alerts lists them',
  { timeout: 90_000 },
  async () => {
    const d = makeDaemonDir();
    const failing = join(d.dir, 'failing');
    writeFileSync(failing, '');
    writeScript(
      join(d.dir, 'notify.sh'),
      'echo "$TASKKIT_EVENT $TASKKIT_EVENT_TASK $TASKKIT_EVENT_FAILURES $TASKKIT_EVENT_STATUS ' +
        '$TASKKIT_EVENT_EXIT_CODE" >> events.log; cat > "stdin-$TASKKIT_EVENT.txt"',
    );
    d.writeTasks(
      daemonTasks([
        `  flaky: { every: 1s, run: "echo boom; test ! -e ${failing} || exit 3",`,
        '           notify: { run: ./notify.sh, after: 2 } }',
      ]),
    );
    expect((await d.taskkit(['start'])).code).toBe(0);
    const events = join(d.dir, 'events.log');
    await waitUntil(() => countLines(events) >= 1, 20_000, 'the failure alert');
    // Two more failed slots after the alert: still one alert (no repeat given).
    const failedRuns = async (): Promise<number> => {
      const history = JSON.parse((await d.taskkit(['history', 'flaky', '--json'])).stdout) as {
        runs: { status: string }[];
      };
      return history.runs.filter((run) => run.status === 'failed').length;
    };
    await eventually(async () => ((await failedRuns()) >= 4 ? true : undefined), '4 failed slots');
    expect(lines(events)).toEqual(['failure flaky 2 failed 3']);
    expect(readFileSync(join(d.dir, 'stdin-failure.txt'), 'utf8')).toBe('boom\n');

    rmSync(failing);
    await waitUntil(() => countLines(events) >= 2, 20_000, 'the recovery alert');
    expect(lines(events)).toEqual([
      'failure flaky 2 failed 3',
      expect.stringMatching(/^recovery flaky \d+ succeeded 0$/),
    ]);

    const table = await d.taskkit(['alerts']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+DECIDED\s+TASK\s+EVENT\s+RUN\s+NOTIFIER\s+STATUS\s+TRIES\s+ERROR\n/);
    expect(table.stdout).toMatch(/^ *2 .* flaky +recovery +\d+ +run: \.\/notify\.sh +delivered +1\n/m);
    expect(table.stdout).toMatch(/^ *1 .* flaky +failure +\d+ +run: \.\/notify\.sh +delivered +1\n/m);
    const json = JSON.parse((await d.taskkit(['alerts', 'flaky', '--json'])).stdout) as {
      database: { from: string };
      deliveries: DeliveryJson[];
    };
    expect(json.database.from).toBe('daemon');
    expect(json.deliveries).toMatchObject([
      { task: 'flaky', event: 'recovery', status: 'delivered', notifier: 'run', target: './notify.sh', attempts: 1 },
      { task: 'flaky', event: 'failure', status: 'delivered', notifier: 'run', target: './notify.sh', failures: 2 },
    ]);
    expect((await d.taskkit(['stop'])).code).toBe(0);
    // Offline too, from the tasks file's state dir.
    const offline = JSON.parse((await d.taskkit(['alerts', '--json'])).stdout) as { deliveries: DeliveryJson[] };
    expect(offline.deliveries).toHaveLength(2);
  },
);

test(
  'a hung notifier delays nothing; after kill -9 the next daemon delivers the alert, late',
  { timeout: 90_000 },
  async () => {
    const d = makeDaemonDir();
    const hang = join(d.dir, 'hang');
    writeFileSync(hang, '');
    // While `hang` exists the notifier records its pid and waits for ever; else it records the alert.
    writeScript(
      join(d.dir, 'notify.sh'),
      `if [ -e ${hang} ]; then echo $$ > notifier.pid; exec sleep 600; fi; echo "$TASKKIT_EVENT" >> events.log`,
    );
    d.writeTasks(
      daemonTasks([
        '  broken: { every: 1h, run: "exit 1", notify: { run: ./notify.sh } }',
        `  tick: { every: 1s, run: "date >> ${join(d.dir, 'ticks')}" }`,
      ]),
    );
    expect((await d.taskkit(['start'])).code).toBe(0);
    // A run-now is no slot: the failure that alerts is a scheduled one, so give it instants now.
    const pidFile = join(d.dir, 'notifier.pid');
    expect((await d.taskkit(['reschedule', 'broken', '--every', '1s'])).code).toBe(0);
    await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 20_000, 'the notifier');
    const notifier = Number(readFileSync(pidFile, 'utf8').trim());
    d.track(notifier);
    // The notifier hangs; the daemon answers and its every-second task keeps its time.
    const ticks = join(d.dir, 'ticks');
    const before = countLines(ticks);
    const started = Date.now();
    await waitUntil(() => countLines(ticks) >= before + 3, 10_000, 'three more ticks');
    expect(Date.now() - started).toBeLessThan(6_000);
    expect((await d.taskkit(['list'])).code).toBe(0);
    expect(isAlive(notifier)).toBe(true);
    const pending = JSON.parse((await d.taskkit(['alerts', '--json'])).stdout) as { deliveries: DeliveryJson[] };
    expect(pending.deliveries.map((row) => [row.task, row.event, row.status])).toEqual([
      ['broken', 'failure', 'pending'],
    ]);

    // kill -9: the row stays pending; the next daemon delivers it (the notifier answers now).
    const daemon = d.readPid();
    expect(daemon).not.toBeNull();
    process.kill(daemon as number, 'SIGKILL');
    await waitUntil(() => !isAlive(daemon as number), 5_000, 'the daemon to die');
    // It outlived the daemon (a group of its own); the test ends it (its shell parent then exits).
    expect(isAlive(notifier)).toBe(true);
    process.kill(notifier, 'SIGKILL');
    rmSync(hang);
    d.writeTasks(daemonTasks(['  broken: { every: 1h, run: "true", notify: { run: ./notify.sh } }']));
    expect((await d.taskkit(['start'])).code).toBe(0);
    await waitUntil(() => countLines(join(d.dir, 'events.log')) >= 1, 20_000, 'the late delivery');
    expect(lines(join(d.dir, 'events.log'))).toEqual(['failure']);
    const after = JSON.parse((await d.taskkit(['alerts', '--json'])).stdout) as { deliveries: DeliveryJson[] };
    expect(after.deliveries.map((row) => [row.event, row.status])).toEqual([['failure', 'delivered']]);
    const log = readDaemonLog(d);
    expect(log).toMatch(
      /alert #1 \(broken failure, decided [^)]+\) was not delivered before the daemon stopped; delivering it now, late/,
    );
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);

test('a url: notifier gets the alert as JSON from the daemon', { timeout: 60_000 }, async () => {
  const bodies: unknown[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const d = makeDaemonDir();
  d.writeTasks(daemonTasks([`  broken: { every: 1s, run: "echo no disk; exit 4", notify: { url: "${url}" } }`]));
  expect((await d.taskkit(['start'])).code).toBe(0);
  await waitUntil(() => bodies.length >= 1, 20_000, 'the POST');
  expect(bodies[0]).toMatchObject({
    text: 'taskkit: broken failed (exit 4)',
    event: 'failure',
    task: 'broken',
    status: 'failed',
    exitCode: 4,
    failures: 1,
    overdueSince: null,
    output: 'no disk\n',
  });
  const json = JSON.parse((await d.taskkit(['alerts', '--json'])).stdout) as { deliveries: DeliveryJson[] };
  expect(json.deliveries).toMatchObject([{ notifier: 'url', target: url, status: 'delivered', attempts: 1 }]);
  expect((await d.taskkit(['stop'])).code).toBe(0);
});
