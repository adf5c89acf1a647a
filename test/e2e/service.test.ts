/**
 * Issue 18 point 1: `taskkit service install/uninstall/status` through bin/taskkit, into a
 * temporary HOME and XDG_CONFIG_HOME, with a fake `systemctl` (and `launchctl`) first on PATH that
 * records its calls, so the calls and their order are asserted without a real systemd.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { TASKKIT_BIN, cliEnv, runTaskkit, type CliResult } from '../support/cli-process.js';

let dir: string;
let home: string;
let configHome: string;
let fakeBin: string;
let callLog: string;

/** Records its argv, one call per line; answers the questions taskkit asks. */
const FAKE_SYSTEMCTL = `#!/bin/sh
echo "$*" >> "$FAKE_CALL_LOG"
case "$*" in
  *is-system-running*) echo "\${FAKE_SYSTEMD_STATE:-running}"; [ "\${FAKE_SYSTEMD_STATE:-running}" = running ];;
  *is-active*) echo active;;
  *is-enabled*) echo enabled;;
esac
`;

/** launchctl: loaded while a marker file exists (bootstrap makes it, bootout removes it). */
const FAKE_LAUNCHCTL = `#!/bin/sh
echo "$*" >> "$FAKE_CALL_LOG"
case "$1" in
  print) [ -e "$FAKE_CALL_LOG.loaded" ] && echo "	state = running";;
  bootstrap) touch "$FAKE_CALL_LOG.loaded";;
  bootout) rm -f "$FAKE_CALL_LOG.loaded";;
esac
`;

const TASKS = [
  'settings:',
  '  state-dir: ./state',
  '  shutdown-grace: 20s',
  'tasks:',
  '  tick:',
  '    every: 1h',
  '    run: echo tick',
  '',
];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-service-'));
  home = join(dir, 'home');
  configHome = join(dir, 'config');
  fakeBin = join(dir, 'bin');
  callLog = join(dir, 'calls.log');
  mkdirSync(home);
  mkdirSync(fakeBin);
  for (const [name, text] of [
    ['systemctl', FAKE_SYSTEMCTL],
    ['launchctl', FAKE_LAUNCHCTL],
  ] as const) {
    writeFileSync(join(fakeBin, name), text);
    chmodSync(join(fakeBin, name), 0o755);
  }
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeTasks(path: string, lines: readonly string[] = TASKS): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, lines.join('\n'), { mode: 0o600 });
  return path;
}

function service(args: readonly string[], extra: Record<string, string> = {}, cwd = dir): Promise<CliResult> {
  const env = cliEnv({
    HOME: home,
    XDG_CONFIG_HOME: configHome,
    PATH: `${fakeBin}:/usr/bin:/bin`,
    USER: 'tk-service-tester',
    FAKE_CALL_LOG: callLog,
    ...extra,
  });
  return runTaskkit(['service', ...args], { cwd, env });
}

function calls(): string[] {
  return existsSync(callLog) ? readFileSync(callLog, 'utf8').trim().split('\n') : [];
}

function unitPath(name: string): string {
  return join(configHome, 'systemd', 'user', name);
}

/** The unit's name is printed by install ("wrote PATH"): read it from there. */
function writtenPath(result: CliResult): string {
  const match = /^(?:wrote|replaced|unchanged:) (\S+)$/m.exec(result.stdout);
  if (match?.[1] === undefined) throw new Error(`no path in: ${result.stdout}${result.stderr}`);
  return match[1];
}

describe('service install / status / uninstall with systemd', () => {
  test('install writes the user unit, reloads, enables and starts it; status asks; uninstall reverses it', async () => {
    const tasks = writeTasks(join(dir, 'work', 'tasks.yaml'));
    const installed = await service(['install', '--config', tasks]);
    expect(installed.stderr).toBe('');
    expect(installed.code).toBe(0);
    const path = writtenPath(installed);
    expect(path).toMatch(new RegExp(`^${unitPath('taskkit-tasks-[0-9a-f]{8}\\.service')}$`));
    const name = path.slice(path.lastIndexOf('/') + 1);
    expect(calls()).toEqual(['--user is-system-running', '--user daemon-reload', `--user enable --now ${name}`]);
    expect(installed.stdout).toContain(`${name} enabled and started`);
    expect(installed.stdout).toContain('loginctl enable-linger tk-service-tester');

    const unit = readFileSync(path, 'utf8');
    const execStart = [process.execPath, '--max-semi-space-size=2', realpathSync(TASKKIT_BIN), 'start', '--foreground'];
    expect(unit).toContain(`\nExecStart=${execStart.join(' ')} --config ${tasks}\n`);
    expect(unit).toContain('\nTimeoutStopSec=35\n'); // shutdown-grace 20s + 15 s
    expect(unit).toContain('\nType=notify\n');
    expect(unit).toContain('\nKillMode=mixed\n');
    expect(unit).toMatch(/\nExecReload=\S*kill -HUP \$MAINPID\n/);
    expect(unit).toContain('\nWantedBy=default.target\n');
    expect(unit).not.toContain('User=');

    rmSync(callLog);
    const status = await service(['status', '--config', tasks]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`unit:      ${name} (systemd user unit)`);
    expect(status.stdout).toContain(`file:      ${path}\n`);
    expect(status.stdout).toContain('active:    active');
    expect(status.stdout).toContain('enabled:   enabled');
    expect(calls()).toEqual(['--user is-system-running', `--user is-active ${name}`, `--user is-enabled ${name}`]);
    const json = await service(['status', '--config', tasks, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ installed: true, path, tasksFile: tasks, active: 'active' });

    rmSync(callLog);
    const uninstalled = await service(['uninstall', '--config', tasks]);
    expect(uninstalled.code).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(calls()).toEqual(['--user is-system-running', `--user disable --now ${name}`, '--user daemon-reload']);

    const after = await service(['status', '--config', tasks]);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain('(not installed)');
    const again = await service(['uninstall', '--config', tasks]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no ${name} to uninstall`);
  });

  test('reinstalling changes nothing; a unit with other content needs --force, then restarts', async () => {
    const tasks = writeTasks(join(dir, 'tasks.yaml'));
    const path = writtenPath(await service(['install', '--config', tasks]));
    const name = path.slice(path.lastIndexOf('/') + 1);
    rmSync(callLog);
    const same = await service(['install', '--config', tasks]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain(`unchanged: ${path}`);
    expect(calls()).toEqual(['--user is-system-running', '--user daemon-reload', `--user enable --now ${name}`]);

    const edited = `${readFileSync(path, 'utf8')}# my own line\n`;
    writeFileSync(path, edited);
    rmSync(callLog);
    const refused = await service(['install', '--config', tasks]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${path} exists with other content`);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(path, 'utf8')).toBe(edited);
    expect(calls()).toEqual(['--user is-system-running']);

    rmSync(callLog);
    const forced = await service(['install', '--config', tasks, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`replaced ${path}`);
    expect(readFileSync(path, 'utf8')).not.toContain('# my own line');
    expect(calls()).toEqual([
      '--user is-system-running',
      '--user daemon-reload',
      `--user enable ${name}`,
      `--user restart ${name}`,
    ]);
  });

  test('the file taskkit finds from anywhere is taskkit.service; another file gets a unit of its own', async () => {
    writeTasks(join(configHome, 'taskkit', 'tasks.yaml'));
    const other = writeTasks(join(dir, 'other', 'tasks.yaml'));
    const byDefault = await service(['install'], {}, home);
    expect(byDefault.code).toBe(0);
    expect(writtenPath(byDefault)).toBe(unitPath('taskkit.service'));
    const second = writtenPath(await service(['install', '--config', other], {}, home));
    expect(second).not.toBe(unitPath('taskkit.service'));
    expect(existsSync(unitPath('taskkit.service'))).toBe(true);
    expect(existsSync(second)).toBe(true);
  });

  test('--dry-run prints the unit and its path, writes nothing and calls no systemctl', async () => {
    const tasks = writeTasks(join(dir, 'tasks.yaml'));
    const result = await service(['install', '--dry-run', '--config', tasks]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# Written by `taskkit service install`/);
    expect(result.stdout).toContain(`--config ${tasks}\n`);
    expect(result.stderr).toMatch(/dry run: would write \S+\/systemd\/user\/taskkit-tasks-[0-9a-f]{8}\.service/);
    expect(calls()).toEqual([]);
    expect(existsSync(join(configHome, 'systemd'))).toBe(false);
  });

  test.skipIf(process.getuid?.() !== 0)(
    '--system: /etc/systemd/system, multi-user.target, run as the owner of the tasks file (dry run)',
    async () => {
      const tasks = writeTasks(join(dir, 'tasks.yaml'));
      chownSync(tasks, 65534, 65534); // nobody
      const result = await service(['install', '--system', '--dry-run', '--config', tasks]);
      expect(result.stderr).toMatch(/would write \/etc\/systemd\/system\/taskkit-tasks-[0-9a-f]{8}\.service/);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/\nUser=(nobody|65534)\n/);
      expect(result.stdout).toContain('\nWantedBy=multi-user.target\n');
      expect(result.stdout).toContain('\nAfter=network.target remote-fs.target nss-user-lookup.target\n');
    },
  );

  test('without systemd: says so, prints the unit and where it goes, writes nothing, exit 1', async () => {
    const tasks = writeTasks(join(dir, 'tasks.yaml'));
    const offline = await service(['install', '--config', tasks], { FAKE_SYSTEMD_STATE: 'offline' });
    expect(offline.code).toBe(1);
    expect(offline.stderr).toContain('cannot install the service: no systemd user manager answers');
    expect(offline.stderr).toMatch(/put it in \S+\/systemd\/user\/taskkit-tasks-[0-9a-f]{8}\.service and run:/);
    expect(offline.stdout).toContain('\nType=notify\n');
    expect(calls()).toEqual(['--user is-system-running']);
    expect(existsSync(join(configHome, 'systemd'))).toBe(false);

    rmSync(join(fakeBin, 'systemctl'));
    const missing = await service(['install', '--config', tasks], { PATH: fakeBin });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('systemctl is not on PATH');
    expect(missing.stdout).toContain('\nExecStart=');
  });

  test('an invalid tasks file is refused with its errors; nothing is written or called', async () => {
    const tasks = writeTasks(join(dir, 'tasks.yaml'), [
      'tasks:',
      '  bad:',
      '    every: sometimes',
      '    run: true',
      '',
    ]);
    const result = await service(['install', '--config', tasks]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/tasks\.yaml:3:\d+/);
    expect(result.stderr).toContain('nothing was installed');
    expect(result.stdout).toBe('');
    expect(calls()).toEqual([]);
    expect(existsSync(join(configHome, 'systemd'))).toBe(false);
  });
});

describe('service on macOS (launchd, TASKKIT_SERVICE_PLATFORM=darwin, a fake launchctl)', () => {
  test('install writes a LaunchAgent plist and bootstraps it; uninstall boots it out and removes it', async () => {
    const tasks = writeTasks(join(dir, 'tasks.yaml'));
    const darwin = { TASKKIT_SERVICE_PLATFORM: 'darwin' };
    const installed = await service(['install', '--config', tasks], darwin);
    expect(installed.stderr).toBe('');
    expect(installed.code).toBe(0);
    const path = writtenPath(installed);
    expect(path).toMatch(
      new RegExp(`^${home}/Library/LaunchAgents/org\\.taskkit\\.taskkit-tasks-[0-9a-f]{8}\\.plist$`),
    );
    const label = path.slice(path.lastIndexOf('/') + 1, -'.plist'.length);
    const uid = process.getuid?.() ?? 0;
    expect(calls()).toEqual(['help', `print gui/${uid}/${label}`, `bootstrap gui/${uid} ${path}`]);
    const plist = readFileSync(path, 'utf8');
    expect(plist).toContain(`<key>Label</key>\n\t<string>${label}</string>`);
    expect(plist).toContain(`\t\t<string>${tasks}</string>\n\t</array>`);
    expect(plist).toContain('<key>ExitTimeOut</key>\n\t<integer>35</integer>');
    expect(plist).toContain(`<string>${home}/Library/Logs/${label}.log</string>`);

    const status = await service(['status', '--config', tasks], darwin);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('active:    running (launchctl print)');

    rmSync(callLog);
    const uninstalled = await service(['uninstall', '--config', tasks], darwin);
    expect(uninstalled.code).toBe(0);
    expect(calls()).toEqual(['help', `print gui/${uid}/${label}`, `bootout gui/${uid}/${label}`]);
    expect(existsSync(path)).toBe(false);
  });
});
