// Scenario 2 (issue 7): daemon precision with real processes. `taskkit start --foreground` with
// `total` tasks loaded, of which `firing` fire every second (all on the whole second) as bash
// commands that record their own start: `echo "$TASKKIT_SCHEDULED_AT $EPOCHREALTIME" >> FILE`
// ($EPOCHREALTIME is read by bash itself, so the figure ends when the command's shell is running,
// not when the spawn call returned). Lateness = start - TASKKIT_SCHEDULED_AT.
// The limit (`bare`): this process, a setTimeout re-armed to each whole second spawning the same
// line the same way (bash -c, own process group, stdout/stderr piped and drained, as a runner that
// captures output must), with TASKKIT_SCHEDULED_AT set to the due second (ISO 8601, as taskkit sets it).
// Also the daemon's CPU (all threads) and RSS over the window, from /proc.
// Usage: node bench/scenarios/daemon-precision.js taskkit|bare TOTAL FIRING SECONDS [WARMUP=2]
// Prints one JSON line.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from '../../dist/daemon/detach.js';
import { makeTempDir, readDaemonProc, sleep, startDaemon, summarize, writeTasksFile } from '../lib.js';

const [mode = 'taskkit', totalArg = '10000', firingArg = '5', secondsArg = '10', warmupArg = '2'] =
  process.argv.slice(2);
const [total, firing, seconds, warmup] = [totalArg, firingArg, secondsArg, warmupArg].map(Number);
const SECOND = 1000;
const temp = makeTempDir();
const out = join(temp.dir, 'starts.txt');
const line = `echo "$TASKKIT_SCHEDULED_AT $EPOCHREALTIME" >> ${out}`;

/** The limit: spawn `firing` copies of the line at each whole second. */
function startBareTimer() {
  let timer;
  const arm = () => {
    const due = Math.floor(Date.now() / SECOND) * SECOND + SECOND;
    timer = setTimeout(() => {
      for (let i = 0; i < firing; i++) {
        const child = spawn('/bin/bash', ['-c', line], {
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, TASKKIT_SCHEDULED_AT: new Date(due).toISOString() },
        });
        child.stdout.resume();
        child.stderr.resume();
      }
      arm();
    }, due - Date.now());
  };
  arm();
  return { pid: process.pid, stop: async () => clearTimeout(timer), readyMs: 0 };
}

let subject;
if (mode === 'bare') {
  subject = startBareTimer();
} else {
  const firingLines = Array.from({ length: firing }, () => [
    'every: 1s',
    'shell: /bin/bash',
    `run: ${JSON.stringify(line)}`,
  ]);
  const file = writeTasksFile({ dir: temp.dir, total, firing: firingLines, settings: ['max-concurrent: 64'] });
  subject = await startDaemon({ configPath: file.path, socket: file.socket, nodeFlags: DAEMON_NODE_FLAGS });
}

await sleep(warmup * SECOND);
const from = Math.ceil((Date.now() + 200) / SECOND) * SECOND;
const to = from + seconds * SECOND;
await sleep(from - Date.now() - 100);
const before = readDaemonProc(subject.pid);
const wallBefore = performance.now();
await sleep(to - Date.now());
const after = readDaemonProc(subject.pid);
const wallMs = performance.now() - wallBefore;
await sleep(SECOND); // the window's last commands finish writing
await subject.stop();

const lateness = [];
const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
for (const row of text.split('\n')) {
  const [iso, startedSeconds] = row.split(' ');
  const scheduled = Date.parse(iso);
  const started = Number(startedSeconds);
  if (scheduled >= from && scheduled < to) lateness.push(started * 1000 - scheduled);
}
temp.remove();
console.log(
  JSON.stringify({
    mode,
    total: mode === 'bare' ? 0 : total,
    firing,
    seconds,
    readyMs: subject.readyMs,
    starts: lateness.length,
    expected: firing * seconds,
    lateness: summarize(lateness),
    samples: lateness,
    // The daemon's and its spawner's (lib.js readDaemonProc); the spawner's share apart.
    cpuPercent: ((after.cpuNs - before.cpuNs) / 1e6 / wallMs) * 100,
    spawnerCpuPercent: ((after.spawnerCpuNs - before.spawnerCpuNs) / 1e6 / wallMs) * 100,
    rssMb: after.rssMb,
  }),
);
