// What history recording costs (issue 4 "Done means"): runs per second of a trivial command (`true`)
// through the real engine and runner, with the SQLite store attached (recording on) against the same
// spawns with it detached (off), in one process. Phases alternate off/on so that drift on a shared
// machine hits both alike. Also reports the store's side: batches, time per flush, CPU per run.
// Usage: node bench/scenarios/store-overhead.js [seconds-per-phase=3] [rounds=4] [concurrency=4]
// Prints a summary, then one JSON line (last) for bench/run.js. Needs `npm run build`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Scheduler } from '../../dist/engine/scheduler.js';
import { createSystemClock } from '../../dist/engine/clock.js';
import { createRunner } from '../../dist/runner/runner.js';
import { attachStore } from '../../dist/store/attach.js';
import { openSqliteStore } from '../../dist/store/sqlite-store.js';
import { makeTaskSpec, sleep } from '../lib.js';

const [seconds = 3, rounds = 4, concurrency = 4] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'taskkit-bench-store-'));
const dbPath = join(dir, 'taskkit.db');

/** A tasks-file task at its defaults: `run: "true"`, on demand. */
function trivialTask(name) {
  return makeTaskSpec(name, { cwd: dir });
}

const store = openSqliteStore({ path: dbPath, log: (level, message) => console.error(`store ${level}: ${message}`) });
// Time spent in the store's listeners on the engine's call stack (queueing only; flushes come later).
let enqueueMs = 0;
const timed = (fn) =>
  function (...args) {
    const started = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      enqueueMs += performance.now() - started;
    }
  };
store.saveRun = timed(store.saveRun);
store.saveTaskState = timed(store.saveTaskState);

const scheduler = new Scheduler({
  clock: createSystemClock(),
  runner: createRunner(),
  maxConcurrent: concurrency,
  firstRunId: store.nextRunId(),
});
let finished = 0;
let running = true;
// Each task re-triggers itself when its run ends: `concurrency` runs are always going.
scheduler.on('run-finished', (run) => {
  finished++;
  if (running) scheduler.runNow(run.task);
});
const names = Array.from({ length: concurrency }, (_, i) => `true-${i}`);
const detachDuringAdd = attachStore(scheduler, store);
for (const name of names) scheduler.add(trivialTask(name));
detachDuringAdd();
scheduler.start();
for (const name of names) scheduler.runNow(name);

async function phase(recording) {
  const detach = recording ? attachStore(scheduler, store) : () => {};
  const before = finished;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await sleep(seconds * 1000);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  detach();
  return { runs: finished - before, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

await sleep(1000); // warm-up: first spawns, JIT
const totals = { off: { runs: 0, wallMs: 0, cpuMs: 0 }, on: { runs: 0, wallMs: 0, cpuMs: 0 } };
for (let round = 0; round < rounds; round++) {
  for (const mode of round % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
    const result = await phase(mode === 'on');
    for (const key of ['runs', 'wallMs', 'cpuMs']) totals[mode][key] += result[key];
  }
}
running = false;
await scheduler.stop({ graceMs: 5_000 });
store.flush();
const stats = { ...store.batchStats };
const rows = store.listRuns({ limit: 1_000_000 }).length;
const dbBytes = statSync(dbPath).size;
store.close();
rmSync(dir, { recursive: true, force: true });

const summarize = ({ runs, wallMs, cpuMs }) => ({
  runs,
  runsPerSec: runs / (wallMs / 1000),
  cpuMsPerRun: runs > 0 ? cpuMs / runs : NaN,
});
const off = summarize(totals.off);
const on = summarize(totals.on);
const ratio = on.runsPerSec / off.runsPerSec;
const result = {
  seconds,
  rounds,
  concurrency,
  off,
  on,
  ratio,
  overheadPercent: (1 - ratio) * 100,
  store: {
    flushes: stats.flushes,
    written: stats.written,
    meanBatch: stats.flushes > 0 ? stats.written / stats.flushes : 0,
    meanFlushMs: stats.flushes > 0 ? stats.flushMs / stats.flushes : 0,
    maxFlushMs: stats.maxFlushMs,
    enqueueUsPerRun: on.runs > 0 ? (enqueueMs * 1000) / on.runs : 0,
    failures: stats.failures,
  },
  rows,
  dbBytes,
};

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
console.log(`store overhead: \`true\` x${concurrency} in flight, ${rounds} x ${seconds}s per mode, alternating`);
console.log(
  `  recording off  ${fmt(off.runsPerSec).padStart(7)} runs/s   ${fmt(off.cpuMsPerRun, 2)} ms CPU/run ` +
    `(${off.runs} runs)`,
);
console.log(
  `  recording on   ${fmt(on.runsPerSec).padStart(7)} runs/s   ${fmt(on.cpuMsPerRun, 2)} ms CPU/run (${on.runs} runs)`,
);
console.log(
  `  store: ${result.store.flushes} transactions, ${fmt(result.store.meanBatch)} writes each, ` +
    `${fmt(result.store.meanFlushMs, 3)} ms mean / ${fmt(result.store.maxFlushMs, 2)} ms max per flush, ` +
    `${fmt(result.store.enqueueUsPerRun)} us per run in the listeners; ${rows} rows kept (keep 200 x ` +
    `${concurrency}), ${fmt(dbBytes / 1024, 0)} KiB`,
);
console.log(
  `  ratio on/off ${fmt(ratio, 3)}x: recording costs ${fmt(result.overheadPercent)}% -> target < 10%: ` +
    `${result.overheadPercent < 10 ? 'met' : 'MISSED'}`,
);
console.log(JSON.stringify(result));
