/**
 * The systemd unit `service install` writes: its text, the quoting of ExecStart words, and
 * `systemd-analyze verify` on it (user and system unit) where that tool is installed. verify needs
 * no running systemd (this machine may be a container): a user-mode verify only needs an
 * XDG_RUNTIME_DIR. It exits 0 even on a bad key, printing a warning, so the test wants no output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServiceDefinition } from '../../../src/cli/service/definition.js';
import { locateService, serviceBaseName } from '../../../src/cli/service/locations.js';
import { quoteArgument, renderUnit } from '../../../src/cli/service/unit-text.js';
import { renderPlist } from '../../../src/cli/service/plist-text.js';
import { TASKKIT_BIN } from '../../support/cli-process.js';

const ANALYZE = '/usr/bin/systemd-analyze';
const hasAnalyze = existsSync(ANALYZE);
if (!hasAnalyze) console.warn(`[service] ${ANALYZE} is not installed: the systemd-analyze verify tests are skipped`);

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-unit-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function definition(tasksFile: string, runAs: string | null = null): ServiceDefinition {
  return {
    argv: [process.execPath, realpathSync(TASKKIT_BIN), 'start', '--foreground', '--config', tasksFile],
    tasksFile,
    stopTimeoutSeconds: 45,
    runAs,
    version: '9.9.9',
  };
}

const env = { HOME: '/home/ann', XDG_CONFIG_HOME: '/home/ann/.config' };

describe('the unit text', () => {
  test('user unit: notify readiness, reload by SIGHUP, restart on failure, mixed kill, the stop timeout', () => {
    const location = locateService({ tasksFile: '/srv/t.yaml', env, manager: 'systemd', scope: 'user' });
    const unit = renderUnit(definition('/srv/t.yaml'), location);
    const settings = unit.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(settings).toEqual([
      '[Unit]',
      'Description=taskkit: the tasks of /srv/t.yaml',
      'Documentation=man:taskkit(1)',
      '[Service]',
      'Type=notify',
      'NotifyAccess=all',
      `ExecStart=${process.execPath} ${realpathSync(TASKKIT_BIN)} start --foreground --config /srv/t.yaml`,
      expect.stringMatching(/^ExecReload=\/(usr\/)?bin\/kill -HUP \$MAINPID$/),
      'Restart=on-failure',
      'RestartSec=5s',
      'RestartPreventExitStatus=2',
      'KillMode=mixed',
      'TimeoutStopSec=45',
      '[Install]',
      'WantedBy=default.target',
    ]);
    expect(location.path).toMatch(/^\/home\/ann\/\.config\/systemd\/user\/taskkit-t-[0-9a-f]{8}\.service$/);
  });

  test('system unit: User= when given, multi-user.target', () => {
    const location = locateService({ tasksFile: '/srv/t.yaml', env, manager: 'systemd', scope: 'system' });
    const unit = renderUnit(definition('/srv/t.yaml', 'ann'), location);
    expect(unit).toContain('\nUser=ann\n');
    expect(unit).toContain('\nWantedBy=multi-user.target\n');
    expect(location.path).toMatch(/^\/etc\/systemd\/system\/taskkit-t-[0-9a-f]{8}\.service$/);
  });

  test('ExecStart words: plain ones bare, others quoted; % and $ doubled so a path is taken as written', () => {
    expect(quoteArgument('/usr/bin/node')).toBe('/usr/bin/node');
    expect(quoteArgument('/home/a b/t.yaml')).toBe('"/home/a b/t.yaml"');
    expect(quoteArgument('/x/100%/t.yaml')).toBe('/x/100%%/t.yaml');
    expect(quoteArgument('/x/$HOME/t"q\\.yaml')).toBe('"/x/$$HOME/t\\"q\\\\.yaml"');
  });

  test('unit names: taskkit for the XDG tasks file, else the file name and a hash of the path', () => {
    expect(serviceBaseName('/home/ann/.config/taskkit/tasks.yaml', env)).toBe('taskkit');
    const a = serviceBaseName('/srv/a/tasks.yaml', env);
    const b = serviceBaseName('/srv/b/tasks.yaml', env);
    expect(a).toMatch(/^taskkit-tasks-[0-9a-f]{8}$/);
    expect(b).toMatch(/^taskkit-tasks-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(serviceBaseName('/srv/a/tasks.yaml', env)).toBe(a);
    expect(serviceBaseName('/srv/my jobs!.yml', env)).toMatch(/^taskkit-my-jobs-[0-9a-f]{8}$/);
  });

  test('the launchd plist escapes XML and keeps -- out of comments', () => {
    const plist = renderPlist(definition('/srv/a&b--c.yaml', 'ann'), 'org.taskkit.x', '/L/x.log');
    expect(plist).toContain('<string>/srv/a&amp;b--c.yaml</string>');
    expect(plist).toContain('<!-- for /srv/a&amp;b- -c.yaml -->');
    expect(plist).toContain('<key>UserName</key>\n\t<string>ann</string>');
    expect(plist).toContain('<key>ExitTimeOut</key>\n\t<integer>45</integer>');
  });
});

describe.skipIf(!hasAnalyze)('systemd-analyze verify', () => {
  function verify(unit: string, name: string, scope: 'user' | 'system'): string {
    const unitDir = join(dir, scope);
    mkdirSync(unitDir, { recursive: true });
    const runtime = join(dir, 'runtime');
    mkdirSync(runtime, { recursive: true, mode: 0o700 });
    const path = join(unitDir, name);
    writeFileSync(path, unit);
    const result = spawnSync(ANALYZE, ['verify', '--man=no', ...(scope === 'user' ? ['--user'] : []), path], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0' },
    });
    return `exit ${result.status}\n${result.stdout}${result.stderr}`;
  }

  test.each(['user', 'system'] as const)('the %s unit passes with nothing to say', (scope) => {
    const tasksFile = join(dir, `tasks ${scope}.yaml`);
    writeFileSync(tasksFile, 'tasks: {}\n');
    const location = locateService({ tasksFile, env, manager: 'systemd', scope });
    const unit = renderUnit(definition(tasksFile, scope === 'system' ? 'root' : null), location);
    expect(verify(unit, location.name, scope)).toBe('exit 0\n');
    // The check can fail: a misspelt value is reported.
    const broken = verify(unit.replace('KillMode=mixed', 'KillMode=mixd'), `broken-${location.name}`, scope);
    expect(broken).toContain('kill mode');
  });
});
