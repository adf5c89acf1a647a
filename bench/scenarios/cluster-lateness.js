// Scenario 10b (issue 21): start lateness of the same tasks single-host and in a cluster. `firing`
// tasks every second run `bash -c 'echo "$TASKKIT_SCHEDULED_AT $EPOCHREALTIME" >> FILE'` (bash reads
// $EPOCHREALTIME itself: the figure ends when the command runs). `single`: one daemon, no cluster.
// `cluster`: `hosts` daemons on one throwaway PostgreSQL (fsync and synchronous_commit on), each
// with its own state dir, sharing the file; every instant is claimed first (claim_v1), and the
// winner's command records its start. Lateness = start - TASKKIT_SCHEDULED_AT; also the count of
// instants of the window with no start or with two (there must be none).
// Usage: node bench/scenarios/cluster-lateness.js single|cluster FIRING SECONDS [HOSTS=3]. One JSON line.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from '../../dist/daemon/detach.js';
import { makeTempDir, sleep, startDaemon, summarize } from '../lib.js';
import { pgUnavailable, startPg } from '../pg.js';

const [mode = 'single', firingArg = '5', secondsArg = '10', hostsArg = '3'] = process.argv.slice(2);
const [firing, seconds, hostCount] = [firingArg, secondsArg, hostsArg].map(Number);
const SECOND = 1000;
const cluster = mode === 'cluster';
if (cluster && pgUnavailable() !== null) {
  console.log(JSON.stringify({ skipped: pgUnavailable() }));
  process.exit(0);
}

const temp = makeTempDir('tk-bench-cluster-');
const out = join(temp.dir, 'starts.txt');
const line = `echo "$TASKKIT_SCHEDULED_AT $EPOCHREALTIME" >> ${out}`;
const server = cluster ? startPg() : null;
const daemons = [];
try {
  let url = '';
  if (server !== null) url = server.url(await server.createDatabase('lateness'));
  const lines = ['settings:', '  timezone: UTC', '  max-concurrent: 64'];
  if (cluster) lines.push('  cluster:', '    store: $TASKKIT_TEST_PG_URL', '    beat: 1s', '    lease: 5s');
  lines.push('tasks:');
  for (let i = 0; i < firing; i++) {
    lines.push(`  fire-${i}:`, '    every: 1s', '    shell: /bin/bash', `    run: ${JSON.stringify(line)}`);
  }
  const configPath = join(temp.dir, 'tasks.yaml');
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  for (let n = 1; n <= (cluster ? hostCount : 1); n++) {
    const home = join(temp.dir, `h${n}`);
    mkdirSync(home, { mode: 0o700 });
    daemons.push(
      await startDaemon({
        configPath,
        socket: join(home, 'taskkit', 'taskkit.sock'),
        nodeFlags: DAEMON_NODE_FLAGS,
        env: { XDG_STATE_HOME: home, TASKKIT_TEST_PG_URL: url, N: String(n) },
      }),
    );
  }
  await sleep(2 * SECOND);
  const from = Math.ceil((Date.now() + 200) / SECOND) * SECOND;
  const to = from + seconds * SECOND;
  await sleep(to - Date.now() + SECOND);
  for (const daemon of daemons) await daemon.stop();

  const lateness = [];
  const starts = new Map();
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  for (const row of text.split('\n')) {
    const [iso, startedSeconds] = row.split(' ');
    const scheduled = Date.parse(iso);
    if (!(scheduled >= from && scheduled < to)) continue;
    lateness.push(Number(startedSeconds) * 1000 - scheduled);
    starts.set(iso, (starts.get(iso) ?? 0) + 1);
  }
  const expected = firing * seconds;
  console.log(
    JSON.stringify({
      mode,
      hosts: daemons.length,
      firing,
      seconds,
      readyMs: daemons.map((daemon) => daemon.readyMs),
      starts: lateness.length,
      expected,
      // Every instant is shared by the `firing` tasks: more than `firing` starts of one is a duplicate.
      overfull: [...starts.values()].filter((count) => count > firing).length,
      lateness: summarize(lateness),
    }),
  );
} finally {
  for (const daemon of daemons) await daemon.stop(2000).catch(() => undefined);
  server?.stop();
  temp.remove();
}
