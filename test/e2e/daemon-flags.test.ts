/** The detached daemon runs node with DAEMON_NODE_FLAGS (the small semi-space that keeps its RSS down). */
import { readFileSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { DAEMON_NODE_FLAGS } from '../../src/daemon/detach.js';
import { cleanUpDaemons, makeDaemonDir } from './_daemon.js';

afterEach(async () => {
  await cleanUpDaemons();
});

test.skipIf(process.platform !== 'linux')(
  'taskkit start runs the daemon with the node flags of DAEMON_NODE_FLAGS',
  async () => {
    const daemon = makeDaemonDir();
    daemon.writeTasks(['settings:', '  state-dir: ./state', 'tasks:', '  idle:', '    run: "true"']);
    const started = await daemon.taskkit(['start', '--config', 'tasks.yaml']);
    expect(started.code).toBe(0);
    const pid = daemon.readPid();
    expect(pid).not.toBeNull();
    daemon.track(pid ?? 0);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(argv.slice(1, 1 + DAEMON_NODE_FLAGS.length)).toEqual([...DAEMON_NODE_FLAGS]);
    expect((await daemon.taskkit(['stop', '--config', 'tasks.yaml'])).code).toBe(0);
  },
);
