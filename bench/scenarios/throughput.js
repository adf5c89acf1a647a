// Scenario 5 (issue 7): throughput. Runs per second of `true` (a `run:` line, so /bin/sh -c true)
// through the real daemon (`taskkit start --foreground`, history recorded in SQLite, the default),
// with `max-concurrent` C, against the limit: a raw child_process.spawn loop keeping C of the
// same `/bin/sh -c true` in flight (own process group, stdout/stderr piped and drained, as a
// runner that captures output must), without any bookkeeping.
// How the daemon is kept busy without a client in the loop: C chains of on-success triggers
// (lane-j-0 -> lane-j-1 -> ...; a task may not trigger itself), each started once by `run-now`
// over the control socket. runs/s = runs / (last ended_at - first started_at), read from the
// history database after the chains ended; the limit is timed the same way, first start to last end.
// Usage: node bench/scenarios/throughput.js taskkit|raw C RUNS
// Prints one JSON line. BENCH_DAEMON_FLAGS (space-separated) adds node flags to the daemon's, e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it (bench/profile-summary.js reads the result).
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { DAEMON_NODE_FLAGS } from '../../dist/daemon/detach.js';
import { connectControl } from '../../dist/control/client.js';
import { historyPath, makeTempDir, readDaemonProc, sleep, startDaemon, writeTasksFile } from '../lib.js';

const [mode = 'taskkit', concurrencyArg = '1', runsArg = '1000'] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const lanes = concurrency;
const perLane = Math.ceil(Number(runsArg) / lanes);
const runs = perLane * lanes;

/** The limit: `concurrency` loops, each spawning the next `sh -c true` when the last one closed. */
async function measureRaw() {
  let started = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', 'true'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.resume();
      child.stderr.resume();
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
  const loop = async () => {
    while (started < runs) {
      started++;
      await one();
    }
  };
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    mode,
    concurrency,
    runs,
    elapsedMs,
    runsPerSec: (runs / elapsedMs) * 1000,
    cpuMsPerRun: (cpu.user + cpu.system) / 1000 / runs,
  };
}

async function measureDaemon() {
  const temp = makeTempDir();
  const chain = [];
  for (let lane = 0; lane < lanes; lane++) {
    for (let i = 0; i < perLane; i++) {
      chain.push(`  lane-${lane}-${i}:`, '    run: "true"');
      if (i + 1 < perLane) chain.push(`    on-success: [lane-${lane}-${i + 1}]`);
    }
  }
  const file = writeTasksFile({
    dir: temp.dir,
    total: 0,
    settings: [`max-concurrent: ${concurrency}`],
    extraLines: chain,
  });
  const extraFlags = (process.env.BENCH_DAEMON_FLAGS ?? '').split(' ').filter(Boolean);
  const nodeFlags = [...DAEMON_NODE_FLAGS, ...extraFlags];
  const daemon = await startDaemon({ configPath: file.path, socket: file.socket, nodeFlags });
  const client = await connectControl({ socket: file.socket });
  // The daemon's CPU with its spawner's (lib.js readDaemonProc): the spawner forks the runs.
  const procBefore = readDaemonProc(daemon.pid);
  for (let lane = 0; lane < lanes; lane++) await client.request('run-now', { name: `lane-${lane}-0` });
  client.close();
  const db = new Database(historyPath(file.stateDir), { readonly: true, fileMustExist: true });
  const count = db.prepare(
    'SELECT count(*) AS n, min(started_at) AS first, max(ended_at) AS last FROM runs WHERE status NOT IN ' +
      "('running', 'queued')",
  );
  const deadline = performance.now() + 300_000;
  let row = count.get();
  // The history is written in batches: poll until every run of every chain is there.
  while (row.n < runs && performance.now() < deadline) {
    await sleep(100);
    row = count.get();
  }
  const procAfter = readDaemonProc(daemon.pid);
  const cpuMs = (procAfter.cpuNs - procBefore.cpuNs) / 1e6;
  const spawnerCpuMs = (procAfter.spawnerCpuNs - procBefore.spawnerCpuNs) / 1e6;
  const failed = db.prepare("SELECT count(*) AS n FROM runs WHERE status <> 'succeeded'").get().n;
  db.close();
  await daemon.stop();
  temp.remove();
  if (row.n < runs) throw new Error(`only ${row.n} of ${runs} runs recorded`);
  const elapsedMs = row.last - row.first;
  return {
    mode,
    concurrency,
    runs,
    failed,
    elapsedMs,
    runsPerSec: (runs / elapsedMs) * 1000,
    cpuMsPerRun: cpuMs / runs,
    spawnerCpuMsPerRun: spawnerCpuMs / runs,
  };
}

console.log(JSON.stringify(mode === 'raw' ? await measureRaw() : await measureDaemon()));
