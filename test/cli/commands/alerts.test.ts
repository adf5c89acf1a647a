// `alerts` in-process, reading real delivery rows read-only with no daemon (as `history` does):
// the table newest first, -n, a task's own, --json, an unknown task, and control bytes made safe.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import type { DeliveryRecord } from '../../../src/store/store.js';
import { createMemoryIo } from '../../support/memory-io.js';
import { pinProcessZone } from '../../support/process-zone.js';

pinProcessZone('UTC');

const NOW = Date.parse('2026-12-03T12:00:00.000Z');
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-alerts-'));
  writeFileSync(
    join(dir, 'tasks.yaml'),
    [
      'settings:',
      '  state-dir: ./state',
      'tasks:',
      '  backup: { run: ./backup.sh }',
      '  sync: { run: "true" }',
      '',
    ].join('\n'),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function delivery(overrides: Partial<DeliveryRecord>): DeliveryRecord {
  return {
    id: 1,
    task: 'backup',
    event: 'failure',
    runId: 12,
    failures: 2,
    overdueSince: null,
    notifier: 'run',
    target: './notify.sh',
    decidedAt: Date.parse('2026-12-03T03:00:00.000Z'),
    status: 'delivered',
    attempts: 1,
    finishedAt: Date.parse('2026-12-03T03:00:00.200Z'),
    error: null,
    ...overrides,
  };
}

function writeDeliveries(rows: readonly DeliveryRecord[]): void {
  const store = openSqliteStore({ path: join(dir, 'state', 'taskkit.db') });
  for (const row of rows) store.saveDelivery(row);
  store.close();
}

const ROWS = [
  delivery({ id: 1 }),
  delivery({
    id: 2,
    task: 'sync',
    event: 'overdue',
    runId: null,
    failures: 0,
    overdueSince: Date.parse('2026-12-02T03:00:00.000Z'),
    notifier: 'url',
    target: 'https://***@hooks.example/T0/B0',
    decidedAt: Date.parse('2026-12-03T05:00:00.000Z'),
    status: 'failed',
    attempts: 3,
    error: 'HTTP 500 Internal Server Error (3 attempts)\n\u001b[2Jforged',
  }),
  delivery({ id: 3, event: 'recovery', runId: 14, failures: 0, decidedAt: Date.parse('2026-12-03T06:00:00.000Z') }),
];

async function taskkit(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = {
    ...createMemoryIo({ cwd: dir, env: { PATH: process.env['PATH'], HOME: dir, TZ: 'UTC' } }),
    now: () => NOW,
  };
  const code = await runCli(args, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe('alerts', () => {
  test('every delivery, newest first, control bytes of an error escaped', async () => {
    writeDeliveries(ROWS);
    const result = await taskkit(['alerts']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.split('\n')).toEqual([
      'ID  DECIDED   TASK    EVENT     RUN  NOTIFIER                              STATUS     TRIES  ERROR',
      ' 3  06:00:00  backup  recovery   14  run: ./notify.sh                      delivered      1',
      ' 2  05:00:00  sync    overdue     -  url: https://***@hooks.example/T0/B0  failed         3  ' +
        'HTTP 500 Internal Server Error (3 attempts)\\n\\x1b[2Jforged',
      ' 1  03:00:00  backup  failure    12  run: ./notify.sh                      delivered      1',
      '',
    ]);
  });

  test('NAME and -n narrow it; --json gives the records with ISO instants', async () => {
    writeDeliveries(ROWS);
    const result = await taskkit(['alerts', 'backup', '-n', '1', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { database: { from: string }; deliveries: unknown[] };
    expect(parsed.database.from).toBe('tasks-file');
    expect(parsed.deliveries).toEqual([
      {
        id: 3,
        task: 'backup',
        event: 'recovery',
        runId: 14,
        failures: 0,
        overdueSince: null,
        notifier: 'run',
        target: './notify.sh',
        decidedAt: '2026-12-03T06:00:00.000Z',
        status: 'delivered',
        attempts: 1,
        finishedAt: '2026-12-03T03:00:00.200Z',
        error: null,
      },
    ]);
  });

  test('none yet, and an unknown task with did-you-mean', async () => {
    writeDeliveries([]);
    expect(await taskkit(['alerts'])).toEqual({ code: 0, stdout: 'no alerts sent yet\n', stderr: '' });
    expect(await taskkit(['alerts', 'sync'])).toEqual({ code: 0, stdout: 'no alerts sent for sync yet\n', stderr: '' });
    const unknown = await taskkit(['alerts', 'bakup']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('taskkit: no task named "bakup" (did you mean "backup")\n');
  });
});
