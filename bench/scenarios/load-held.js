// Scenario 11 (issue 20.5): load held. RATE runs a second of a short shell command, spread evenly
// (task i of RATE is anchored i * 1000/RATE ms past the second, `every: 1s`), for SECONDS. Each run
// is `bash -c 'echo "$TASKKIT_TASK $TASKKIT_SCHEDULED_AT $EPOCHREALTIME" >> FILE'`: bash reads
// $EPOCHREALTIME itself, so lateness runs from the scheduled instant to the command running, and
// each line is the run's effect: runs lost = instants due in the window without their line.
// The limit (`bare`): this process, a setTimeout re-armed to each next slot (one every 1000/RATE
// ms), spawning the same line the same way (bash -c, own process group, stdout/stderr piped and
// drained, TASKKIT_TASK and TASKKIT_SCHEDULED_AT set).
// Usage: node bench/scenarios/load-held.js taskkit|bare RATE SECONDS [WARMUP=3]
// Prints one JSON line.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from '../../dist/daemon/detach.js';
import { makeTempDir, readDaemonProc, sleep, startDaemon, summarize, writeTasksFile } from '../lib.js';

const [mode = 'taskkit', rateArg = '200', secondsArg = '10', warmupArg = '3'] = process.argv.slice(2);
const [rate, seconds, warmup] = [rateArg, secondsArg, warmupArg].map(Number);
const SECOND = 1000;
const spacing = SECOND / rate;
const temp = makeTempDir();
const out = join(temp.dir, 'starts.txt');
const line = `echo "$TASKKIT_TASK $TASKKIT_SCHEDULED_AT $EPOCHREALTIME" >> ${out}`;
const name = (i) => `fire-${i}`;
/** Task i's offset in the second, in whole ms (as its `start:` anchor says). */
const offset = (i) => Math.round(i * spacing);

/** The limit: at each slot, spawn the line of the task due then; none due at or after `until()`. */
function startBareTimer(until) {
  let timer;
  let slot = Math.ceil(Date.now() / spacing);
  const arm = () => {
    if (slot * spacing >= until()) return;
    const second = Math.floor((slot * spacing) / SECOND) * SECOND;
    const i = Math.round((slot * spacing - second) / spacing) % rate;
    const due = second + offset(i);
    timer = setTimeout(() => {
      const child = spawn('/bin/bash', ['-c', line], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TASKKIT_TASK: name(i), TASKKIT_SCHEDULED_AT: new Date(due).toISOString() },
      });
      child.stdout.resume();
      child.stderr.resume();
      slot += 1;
      arm();
    }, due - Date.now());
  };
  arm();
  return { pid: process.pid, stop: async () => clearTimeout(timer), readyMs: 0 };
}

let subject;
let to = Infinity;
if (mode === 'bare') {
  subject = startBareTimer(() => to);
} else {
  const firing = Array.from({ length: rate }, (_, i) => [
    'every: 1s',
    `start: "2000-01-01T00:00:00.${String(offset(i)).padStart(3, '0')}Z"`,
    'shell: /bin/bash',
    `run: ${JSON.stringify(line)}`,
  ]);
  const file = writeTasksFile({ dir: temp.dir, total: rate, firing, settings: ['max-concurrent: 64'] });
  subject = await startDaemon({ configPath: file.path, socket: file.socket, nodeFlags: DAEMON_NODE_FLAGS });
}

await sleep(warmup * SECOND);
const from = Math.ceil((Date.now() + 200) / SECOND) * SECOND;
to = from + seconds * SECOND;
await sleep(from - Date.now() - 100);
const before = readDaemonProc(subject.pid);
const wallBefore = performance.now();
await sleep(to - Date.now());
const after = readDaemonProc(subject.pid);
const wallMs = performance.now() - wallBefore;
const expected = rate * seconds;
/** The lines of runs due in the window: their lateness, the runs seen, and any run seen twice. */
function readWindow() {
  const found = { lateness: [], seen: new Set(), duplicated: 0 };
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  for (const row of text.split('\n')) {
    const [task, iso, startedSeconds] = row.split(' ');
    const scheduled = Date.parse(iso);
    if (!(scheduled >= from && scheduled < to)) continue;
    const key = `${task} ${scheduled}`;
    if (found.seen.has(key)) found.duplicated += 1;
    found.seen.add(key);
    found.lateness.push(Number(startedSeconds) * 1000 - scheduled);
  }
  return found;
}
// A subject behind its schedule still has runs of the window to start: wait until they are all in,
// or none came for 2 s (at most 30 s); what never comes is lost.
let found = readWindow();
for (let quietSince = Date.now(), end = Date.now() + 30 * SECOND; Date.now() < end;) {
  await sleep(250);
  const now = readWindow();
  if (now.seen.size !== found.seen.size) quietSince = Date.now();
  found = now;
  if (found.seen.size >= expected || Date.now() - quietSince >= 2 * SECOND) break;
}
await subject.stop();
found = readWindow();
temp.remove();
const { lateness, seen, duplicated } = found;
console.log(
  JSON.stringify({
    mode,
    rate,
    seconds,
    readyMs: subject.readyMs,
    starts: lateness.length,
    expected,
    lost: expected - seen.size,
    duplicated,
    lateness: summarize(lateness),
    samples: lateness,
    // The daemon's and its spawner's (lib.js readDaemonProc); the spawner's share apart.
    cpuPercent: ((after.cpuNs - before.cpuNs) / 1e6 / wallMs) * 100,
    spawnerCpuPercent: ((after.spawnerCpuNs - before.spawnerCpuNs) / 1e6 / wallMs) * 100,
    rssMb: after.rssMb,
  }),
);
