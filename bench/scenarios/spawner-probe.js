// Diagnostic for issue 20.2 (not part of the run): what a spawner process would save the daemon.
// One process grown to about the daemon's resident size (RSS_MB; a 10,000-task daemon holds ~75-90 MB)
// starts BURST copies of scenario 2's line (`bash -c 'echo "$TASKKIT_SCHEDULED_AT $EPOCHREALTIME" >>
// FILE'`, own process group, pipes drained) at each whole second, alternating by second between
// `direct` (child_process.spawn on its own main thread, as the daemon does) and `spawner` (a message
// to a small Node child forked at the start, while this process was small, which spawns them).
// Reported per mode: the main thread's time blocked per start (the spawn call; the send call), the
// CPU this process spent in it (the rest of a spawn's blocked time is libuv waiting for the forked
// child to exec, which a loaded machine stretches), and the lateness of each command's start
// (bash's $EPOCHREALTIME - the second).
// Usage: node bench/scenarios/spawner-probe.js [RSS_MB=85] [SECONDS=20] [BURST=5]; one JSON line.
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, sleep, summarize } from '../lib.js';

/** The spawner: spawn what it is sent, drain the pipes, say the pid. */
function runSpawner() {
  process.on('message', ({ line, env }) => {
    const child = spawn('/bin/bash', ['-c', line], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    child.stdout.resume();
    child.stderr.resume();
    process.send({ pid: child.pid });
  });
}

async function probe() {
  const [rssArg = '85', secondsArg = '20', burstArg = '5'] = process.argv.slice(2);
  const [rssMb, seconds, burst] = [rssArg, secondsArg, burstArg].map(Number);
  const spawner = fork(fileURLToPath(import.meta.url), ['spawner'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const keep = [];
  while (process.memoryUsage().rss / 2 ** 20 < rssMb)
    keep.push(Array.from({ length: 4096 }, (_, i) => ({ i, s: `v${i}` })));
  const temp = makeTempDir();
  const out = join(temp.dir, 'starts.txt');
  const line = `echo "$TASKKIT_SCHEDULED_AT $EPOCHREALTIME" >> ${out}`;
  const blocked = { direct: [], spawner: [] };
  const cpu = { direct: [], spawner: [] };
  const modeOf = new Map();
  const first = Math.ceil((Date.now() + 500) / 1000) * 1000;
  for (let s = 0; s < seconds; s++) {
    const due = first + s * 1000;
    await sleep(due - Date.now());
    const mode = s % 2 === 0 ? 'direct' : 'spawner';
    const env = { TASKKIT_SCHEDULED_AT: new Date(due).toISOString() };
    modeOf.set(due, mode);
    for (let i = 0; i < burst; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      if (mode === 'spawner') spawner.send({ line, env });
      else {
        const child = spawn('/bin/bash', ['-c', line], {
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, ...env },
        });
        child.stdout.resume();
        child.stderr.resume();
      }
      blocked[mode].push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu[mode].push((used.user + used.system) / 1000);
    }
  }
  await sleep(1500);
  const lateness = { direct: [], spawner: [] };
  for (const row of readFileSync(out, 'utf8').split('\n')) {
    const [iso, started] = row.split(' ');
    const due = Date.parse(iso);
    if (modeOf.has(due)) lateness[modeOf.get(due)].push(Number(started) * 1000 - due);
  }
  const spawnerRss = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${spawner.pid}/status`, 'utf8'))[1]) / 1024;
  spawner.kill();
  temp.remove();
  const result = { rssMb: process.memoryUsage().rss / 2 ** 20, spawnerRssMb: spawnerRss, burst, seconds };
  for (const mode of ['direct', 'spawner'])
    result[mode] = {
      blocked: summarize(blocked[mode]),
      cpu: summarize(cpu[mode]),
      lateness: summarize(lateness[mode]),
    };
  console.log(JSON.stringify(result));
  keep.length = 0;
}

if (process.argv[2] === 'spawner') runSpawner();
else await probe();
