/**
 * Readiness for the unit of `taskkit service install` (Type=notify): started by systemd
 * (NOTIFY_SOCKET set), `start --foreground` runs `systemd-notify --ready` once its control socket
 * answers, and STOPPING=1 when a stop begins; its runs do not inherit NOTIFY_SOCKET. A fake
 * systemd-notify first on PATH records its arguments and, at that moment, asks the daemon for its
 * status through the socket.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { TASKKIT_BIN, cliEnv, collect, killAll, spawnTaskkit, waitForOutput } from '../support/cli-process.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-notify-'));
});

afterEach(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

function setUp(): { env: NodeJS.ProcessEnv; log: string; config: string } {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'notify.log');
  const config = join(dir, 'tasks.yaml');
  writeFileSync(
    config,
    [
      'settings:',
      '  state-dir: ./state',
      `  socket: ${join(dir, 's.sock')}`,
      'tasks:',
      '  env:',
      '    cron: "@reboot"',
      `    run: echo "NOTIFY_SOCKET=[$NOTIFY_SOCKET]" > ${join(dir, 'run-env.txt')}`,
      '',
    ].join('\n'),
  );
  // On --ready, `taskkit status` must already answer: its exit code is recorded beside the arguments.
  writeFileSync(
    join(bin, 'systemd-notify'),
    [
      '#!/bin/sh',
      `echo "$* socket=$NOTIFY_SOCKET" >> ${log}`,
      'case "$*" in',
      `  *--ready*) "${process.execPath}" "${TASKKIT_BIN}" status --config ${config} > /dev/null 2>&1; ` +
        `echo "status exit $?" >> ${log};;`,
      'esac',
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'systemd-notify'), 0o755);
  return {
    env: cliEnv({ PATH: `${bin}:${process.env['PATH'] ?? ''}`, NOTIFY_SOCKET: '/run/fake-notify' }),
    log,
    config,
  };
}

test('READY=1 once the socket answers, STOPPING=1 at a stop; runs do not see NOTIFY_SOCKET', async () => {
  const { env, log, config } = setUp();
  const daemon = spawnTaskkit(['start', '--foreground', '--config', config], { cwd: dir, env });
  const done = collect(daemon, 20_000);
  await waitForOutput(daemon, /env #1 succeeded/);
  await expect
    .poll(() => existsSync(log) && readFileSync(log, 'utf8').includes('status exit'), { timeout: 10_000 })
    .toBe(true);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  expect(lines[0]).toMatch(
    new RegExp(
      `^--pid=${daemon.pid} --ready --status=running 1 task\\(s\\); control socket \\S+ socket=/run/fake-notify$`,
    ),
  );
  expect(lines[1]).toBe('status exit 0');
  expect(readFileSync(join(dir, 'run-env.txt'), 'utf8')).toBe('NOTIFY_SOCKET=[]\n');

  daemon.kill('SIGTERM');
  expect((await done).code).toBe(0);
  expect(readFileSync(log, 'utf8')).toMatch(new RegExp(`\\n--pid=${daemon.pid} STOPPING=1 --status=stopping\\b`));
});

test('not started by systemd (no NOTIFY_SOCKET): systemd-notify is never run', async () => {
  const { env, log, config } = setUp();
  delete env['NOTIFY_SOCKET'];
  const daemon = spawnTaskkit(['start', '--foreground', '--config', config], { cwd: dir, env });
  const done = collect(daemon, 20_000);
  await waitForOutput(daemon, /env #1 succeeded/);
  daemon.kill('SIGTERM');
  expect((await done).code).toBe(0);
  expect(existsSync(log)).toBe(false);
});
