/**
 * Issue 8 item 5 against the real daemon: files other users can write are refused (like cron),
 * `--insecure` is the explicit escape, and another user cannot reach the control socket.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { cleanUpDaemons, makeDaemonDir } from './_daemon.js';

const LAUNCHER = fileURLToPath(new URL('../../bin/taskkit', import.meta.url));
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;
const NOBODY = 65534;

afterEach(async () => {
  await cleanUpDaemons();
});

const TASKS = ['settings:', '  state-dir: ./state', 'tasks:', '  idle:', '    every: 1h', '    run: "true"'];

describe('files other users can write', () => {
  test('start refuses a world-writable tasks file, naming it and the fix; --insecure starts anyway', async () => {
    const daemon = makeDaemonDir();
    const path = daemon.writeTasks(TASKS);
    chmodSync(path, 0o666);
    const refused = await daemon.taskkit(['start', '--config', 'tasks.yaml']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `tasks file ${path} is writable by its group and every user (mode 0666): chmod go-w ${path}`,
    );
    expect(refused.stderr).toContain('--insecure');
    expect(daemon.readPid()).toBeNull();

    const started = await daemon.taskkit(['start', '--insecure', '--config', 'tasks.yaml']);
    expect(started.code).toBe(0);
    expect((await daemon.taskkit(['status', '--config', 'tasks.yaml'])).code).toBe(0);
    expect((await daemon.taskkit(['stop', '--config', 'tasks.yaml'])).code).toBe(0);
  });

  test(
    'a tasks file reached through a symlink into a folder anyone can write is refused, ' +
      'by start and by the daemon itself (issue 15 point 11)',
    async () => {
      const daemon = makeDaemonDir();
      const open = join(daemon.dir, 'open');
      mkdirSync(open);
      chmodSync(open, 0o777);
      const real = join(open, 'tasks.yaml');
      writeFileSync(real, `${TASKS.join('\n').replace('./state', join(daemon.dir, 'state'))}\n`, { mode: 0o644 });
      symlinkSync(real, join(daemon.dir, 'tasks.yaml'));
      for (const args of [['start'], ['start', '--foreground']]) {
        const refused = await daemon.taskkit([...args, '--config', 'tasks.yaml']);
        expect(refused.code, args.join(' ')).toBe(2);
        expect(refused.stderr).toContain(
          `tasks file ${real} (the target of ${join(daemon.dir, 'tasks.yaml')}) is in ${open}, ` +
            `which its group and every user can write`,
        );
        expect(daemon.readPid()).toBeNull();
      }
    },
  );

  test('reload refuses a module file that became group-writable, and the old tasks go on', async () => {
    const daemon = makeDaemonDir();
    const modulePath = join(daemon.dir, 'job.js');
    writeFileSync(modulePath, 'export default () => {};\n');
    daemon.writeTasks([...TASKS, '  mod:', '    module: ./job.js']);
    expect((await daemon.taskkit(['start', '--config', 'tasks.yaml'])).code).toBe(0);
    chmodSync(modulePath, 0o664);
    const reload = await daemon.taskkit(['reload', '--config', 'tasks.yaml']);
    expect(reload.code).toBe(2);
    expect(reload.stderr).toContain(`module file ${modulePath} is writable by its group (mode 0664)`);
    const list = await daemon.taskkit(['list', '--json', '--config', 'tasks.yaml']);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((task) => task.name)).toEqual(['idle', 'mod']);
    expect((await daemon.taskkit(['stop', '--config', 'tasks.yaml'])).code).toBe(0);
  });
});

describe('secrets in env', () => {
  const SECRETS = ['tok-7f3a91c2', 'pin-52d8e4'];

  test('the task gets them; list, show, --json and the daemon log never print them', async () => {
    const daemon = makeDaemonDir();
    const envFile = join(daemon.dir, 'app.env');
    writeFileSync(envFile, `API_TOKEN=${SECRETS[0]}\n`, { mode: 0o600 });
    daemon.writeTasks([
      ...TASKS,
      '  deploy:',
      '    every: 1h',
      '    env-file: ./app.env',
      '    env:',
      `      PIN: {secret: ${SECRETS[1]}}`,
      '      MODE: visible-mode',
      '    run: printf "%s %s %s" "$API_TOKEN" "$PIN" "$MODE" > got.txt',
    ]);
    expect((await daemon.taskkit(['start', '--config', 'tasks.yaml'])).code).toBe(0);
    expect((await daemon.taskkit(['run-now', 'deploy', '--wait', '--config', 'tasks.yaml'])).code).toBe(0);
    expect(readFileSync(join(daemon.dir, 'got.txt'), 'utf8')).toBe(`${SECRETS[0]} ${SECRETS[1]} visible-mode`);

    const outputs: string[] = [];
    for (const args of [
      ['list'],
      ['list', '--json'],
      ['show', 'deploy'],
      ['show', 'deploy', '--json'],
      ['status', '--json'],
      ['history', 'deploy', '--json'],
    ]) {
      const result = await daemon.taskkit([...args, '--config', 'tasks.yaml']);
      expect(result.code, args.join(' ')).toBe(0);
      outputs.push(result.stdout, result.stderr);
    }
    const shown = JSON.parse(outputs[6] ?? '{}') as { definition: { env: Record<string, string>; envFile: string } };
    expect(shown.definition.env).toEqual({ API_TOKEN: '(secret)', PIN: '(secret)', MODE: 'visible-mode' });
    expect(shown.definition.envFile).toBe(envFile);
    expect((await daemon.taskkit(['stop', '--config', 'tasks.yaml'])).code).toBe(0);
    const log = readFileSync(join(daemon.stateDir, 'taskkit.log'), 'utf8');
    for (const secret of SECRETS) {
      expect(log).not.toContain(secret);
      for (const output of outputs) expect(output).not.toContain(secret);
    }
  });

  test('an env file other users can write is refused like the tasks file', async () => {
    const daemon = makeDaemonDir();
    const envFile = join(daemon.dir, 'app.env');
    writeFileSync(envFile, 'A=1\n');
    chmodSync(envFile, 0o666);
    daemon.writeTasks([...TASKS, '    env-file: ./app.env']);
    const refused = await daemon.taskkit(['start', '--config', 'tasks.yaml']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`env file ${envFile} is writable by its group and every user (mode 0666)`);
  });
});

describe.skipIf(!isRoot || !hasSetpriv)('another user and the control socket', () => {
  /** `taskkit status` run as nobody, the way that user would type it. */
  function statusAsNobody(socket: string): { code: number | null; stderr: string } {
    const result = spawnSync(
      'setpriv',
      [
        `--reuid=${NOBODY}`,
        `--regid=${NOBODY}`,
        '--clear-groups',
        process.execPath,
        LAUNCHER,
        'status',
        '--socket',
        socket,
      ],
      {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/nonexistent', NO_COLOR: '1' },
        timeout: 15_000,
      },
    );
    return { code: result.status, stderr: result.stderr };
  }

  test('the 0700 folder and the 0600 socket each keep nobody out; a 0666 socket would not', async () => {
    const daemon = makeDaemonDir();
    chmodSync(daemon.dir, 0o755);
    daemon.writeTasks(TASKS);
    expect((await daemon.taskkit(['start', '--config', 'tasks.yaml'])).code).toBe(0);

    const viaFolder = statusAsNobody(daemon.socket);
    expect(viaFolder.code).toBe(3);
    expect(viaFolder.stderr).toMatch(/permission denied|EACCES/i);

    // Open the folder: the socket's own mode still refuses.
    chmodSync(daemon.stateDir, 0o755);
    const viaSocket = statusAsNobody(daemon.socket);
    expect(viaSocket.code).toBe(3);
    expect(viaSocket.stderr).toMatch(/permission denied|EACCES/i);

    // The control: with the socket opened too, nobody gets in, so the two refusals above were real.
    chmodSync(daemon.socket, 0o666);
    expect(statusAsNobody(daemon.socket).code).toBe(0);
    expect((await daemon.taskkit(['stop', '--config', 'tasks.yaml'])).code).toBe(0);
  });
});
