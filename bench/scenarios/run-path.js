// Diagnostic (issue 20, throughput row): the daemon's CPU per run besides the fork, in one process
// and without the noise of real processes. The daemon's own wiring (daemon/main.ts): the SQLite
// store with its journal claim (one commit per engine turn, before the turn's starts), attachStore,
// the run log through the daemon logger (to /dev/null), the history control's listener; C chains of
// on-success triggers as in scenario 5, loaded from YAML by the real loader. The runner forks nothing:
// it builds the run's variables as the daemon does for its spawner (runner/environment.ts
// runEnvironmentOverlay) and ends the run a turn later, as `true` would. Rounds alternate and each
// reports CPU per run (the minimum is what contention left alone) and the store's commits per run.
// Usage: node bench/scenarios/run-path.js [C=1] [runs-per-round=2000] [rounds=5]
// Prints one line per round, then one JSON line. Needs `npm run build`.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadTasksFile } from '../../dist/config/load.js';
import { createSystemClock } from '../../dist/engine/clock.js';
import { Scheduler } from '../../dist/engine/scheduler.js';
import { createHistoryControl, openDaemonStore } from '../../dist/daemon/history.js';
import { createDaemonLogger } from '../../dist/daemon/log.js';
import { logEngineEvents } from '../../dist/daemon/run-log.js';
import { runEnvironmentOverlay } from '../../dist/runner/environment.js';
import { attachStore } from '../../dist/store/attach.js';
import { runJournal } from '../../dist/store/journal.js';

const [concurrency = 1, perRound = 2000, rounds = 5] = process.argv.slice(2).map(Number);
const perLane = Math.ceil(perRound / concurrency);
const dir = mkdtempSync(join(tmpdir(), 'taskkit-bench-runpath-'));

const lines = ['settings:', `  max-concurrent: ${concurrency}`, 'tasks:'];
for (let lane = 0; lane < concurrency; lane++) {
  for (let i = 0; i < perLane; i++) {
    lines.push(`  lane-${lane}-${i}:`, '    run: "true"');
    if (i + 1 < perLane) lines.push(`    on-success: [lane-${lane}-${i + 1}]`);
  }
}
const tasksPath = join(dir, 'tasks.yaml');
writeFileSync(tasksPath, lines.join('\n') + '\n');
const file = loadTasksFile(tasksPath, { env: process.env });

const devNull = openSync('/dev/null', 'a');
const logStream = new Writable({
  write(chunk, _encoding, done) {
    writeSync(devNull, chunk);
    done();
  },
});
const log = createDaemonLogger(logStream);
const { store, clock } = openDaemonStore(join(dir, 'taskkit.db'), log, createSystemClock());
const journal = runJournal(store);

/** A run of `true` without the fork: its environment built, its end a turn later. */
let pid = 100_000;
const runner = {
  start(request) {
    runEnvironmentOverlay(request);
    const startedAt = clock.now();
    const done = new Promise((resolve) =>
      setImmediate(() =>
        resolve({
          status: 'succeeded',
          exitCode: 0,
          signal: null,
          startedAt,
          endedAt: clock.now(),
          output: Buffer.alloc(0),
          outputTruncated: false,
          outputBytes: 0,
          stop: null,
          error: null,
        }),
      ),
    );
    return { pid: pid++, done, cancel() {} };
  },
};

const scheduler = new Scheduler({
  clock,
  runner,
  claim: journal.claim,
  claimCommit: journal.commit,
  maxConcurrent: concurrency,
  log,
  firstRunId: store.nextRunId(),
});
logEngineEvents(scheduler, log);
createHistoryControl(store, scheduler).preload();
attachStore(scheduler, store);
for (const task of file.tasks) scheduler.add(task, store.restoreTask(task).state);
scheduler.start();

let finished = 0;
let wake = () => {};
scheduler.on('run-finished', () => {
  if (++finished % perLane === 0) wake();
});

async function round() {
  const before = finished;
  const target = before + perLane * concurrency;
  const cpu = process.cpuUsage();
  const flushesBefore = store.batchStats.flushes;
  const started = performance.now();
  for (let lane = 0; lane < concurrency; lane++) scheduler.runNow(`lane-${lane}-0`);
  while (finished < target) await new Promise((resolve) => (wake = resolve));
  store.flush();
  const used = process.cpuUsage(cpu);
  const flushes = store.batchStats.flushes - flushesBefore;
  const runs = finished - before;
  const cpuMsPerRun = (used.user + used.system) / 1000 / runs;
  return { runs, cpuMsPerRun, wallMsPerRun: (performance.now() - started) / runs, commitsPerRun: flushes / runs };
}

const results = [];
await round(); // warm-up: JIT, the first rows of every task
for (let i = 0; i < rounds; i++) {
  const result = await round();
  results.push(result);
  const { cpuMsPerRun, wallMsPerRun, commitsPerRun } = result;
  console.log(
    `round ${i + 1}: ${cpuMsPerRun.toFixed(4)} ms CPU/run, ${wallMsPerRun.toFixed(4)} ms wall/run, ` +
      `${commitsPerRun.toFixed(2)} commits/run`,
  );
}
await scheduler.stop({ graceMs: 0 });
store.close();
closeSync(devNull);
rmSync(dir, { recursive: true, force: true });
const cpu = results.map((r) => r.cpuMsPerRun).sort((a, b) => a - b);
const [minCpuMsPerRun] = cpu;
const medianCpuMsPerRun = cpu[cpu.length >> 1];
console.log(
  JSON.stringify({ concurrency, runsPerRound: perLane * concurrency, rounds, minCpuMsPerRun, medianCpuMsPerRun }),
);
