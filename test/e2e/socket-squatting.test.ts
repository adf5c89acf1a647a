/**
 * Issue 15 point 12 through bin/taskkit: another user (nobody, through setpriv when the tests run
 * as root) binds the socket name in a shared sticky folder before the daemon. The CLI checks the
 * socket's owner and folder before it talks: `start`, `status`, `run-now --wait` and `stop` all
 * refuse with SOCKET_UNTRUSTED (exit 3) and say why, instead of believing the fake daemon.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { waitUntil } from '../support/process-state.js';
import { cleanUpDaemons, makeDaemonDir } from './_daemon.js';

const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;
const NOBODY = 65534;

afterEach(cleanUpDaemons);

/** A fake daemon: answers hello with pid 1 and every request with success. */
const FAKE_DAEMON = `
const net = require('node:net');
const path = process.argv[2];
net.createServer((socket) => {
  let rest = '';
  socket.on('data', (chunk) => {
    rest += chunk;
    for (let i = rest.indexOf('\\n'); i !== -1; i = rest.indexOf('\\n')) {
      const request = JSON.parse(rest.slice(0, i));
      rest = rest.slice(i + 1);
      const hello = { version: ${PROTOCOL_VERSION}, pid: 1, daemon: 'taskkit 0.1.0', configPath: '', socket: path };
      const result = request.method === 'hello' ? hello : { ok: true };
      socket.write(JSON.stringify({ id: request.id, result }) + '\\n');
    }
  });
}).listen(path, () => require('node:fs').chmodSync(path, 0o666));
`;

test.skipIf(!isRoot || !hasSetpriv)(
  'a socket another user bound first is refused by start, status, run-now --wait and stop (exit 3)',
  async () => {
    const d = makeDaemonDir();
    chmodSync(d.dir, 0o755);
    const shared = join(d.dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const socket = join(shared, 'taskkit.sock');
    writeFileSync(join(d.dir, 'fake-daemon.cjs'), FAKE_DAEMON, { mode: 0o644 });
    const fake = spawn(
      'setpriv',
      [
        `--reuid=${NOBODY}`,
        `--regid=${NOBODY}`,
        '--clear-groups',
        process.execPath,
        join(d.dir, 'fake-daemon.cjs'),
        socket,
      ],
      { stdio: 'ignore' },
    );
    if (fake.pid !== undefined) d.track(fake.pid);
    await waitUntil(() => existsSync(socket), 10_000, 'the fake daemon to bind the socket');
    d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      '  socket: ./shared/taskkit.sock',
      'tasks:',
      '  job:',
      '    run: "true"',
    ]);

    const why =
      `refusing to talk to ${socket}: it belongs to user ${NOBODY}, not to you (0) or root, ` +
      `so it may not be your taskkit daemon`;
    for (const args of [['start'], ['status'], ['run-now', 'job', '--wait'], ['stop']]) {
      const result = await d.taskkit(args);
      expect(result.code, args.join(' ')).toBe(3);
      expect(result.stderr, args.join(' ')).toContain(why);
      expect(result.stdout, args.join(' ')).toBe('');
    }
    expect(d.readPid()).toBeNull();
  },
);
