// What a module task costs (issue 5 "Done means"): runs per second of an empty module task through
// the real runner (a fresh worker thread per run), one at a time and with several in flight, and the
// start-up cost of one worker: the time from runner.start() to the module's function being entered
// (median of `samples`). The same figures for an empty in-process function task are printed beside
// them: the difference is the price of the worker (isolation, a real stop on timeout). The limit is
// a bare worker thread: `new Worker(file)` that imports the same module, calls it, posts the result
// and exits, with nothing else around it (no context, abort signal, output capture or timeout).
// Usage: node bench/scenarios/module-throughput.js [seconds-per-phase=3] [in-flight=4] [samples=30]
// Prints a summary, then one JSON line (last) for bench/run.js. Needs `npm run build`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createRunner } from '../../dist/runner/runner.js';
import { makeTaskSpec, percentile } from '../lib.js';

const [seconds = 3, inFlight = 4, samples = 30] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'taskkit-bench-module-'));
const emptyModule = join(dir, 'empty.js');
writeFileSync(emptyModule, 'export default function empty() {}\n');
// Returns when it was entered, on the clock both threads share (timeOrigin + now is comparable across them).
const stampModule = join(dir, 'stamp.mjs');
writeFileSync(
  stampModule,
  'export default function stamp() {\n  return performance.timeOrigin + performance.now();\n}\n',
);

const bareWorker = join(dir, 'bare-worker.mjs');
writeFileSync(
  bareWorker,
  "import { parentPort, workerData } from 'node:worker_threads';\n" +
    'const entered = await (await import(workerData.path)).default();\n' +
    'parentPort.postMessage(entered ?? null);\n',
);

const runner = createRunner();
const handle = { setPeriod() {}, runOnCompletion() {}, hold() {} };
const stamp = () => performance.timeOrigin + performance.now();

/** A tasks-file task at its defaults running `action` (overlap allow: the scenario runs several at once). */
function taskWith(name, action) {
  return makeTaskSpec(name, { action, cwd: dir, overlap: 'allow' });
}

let nextRunId = 1;
/** One run of `task` through the runner; throws if it did not succeed (a broken bench, not a figure). */
async function runOnce(task) {
  const request = {
    runId: nextRunId++,
    task,
    trigger: 'manual',
    scheduledAt: null,
    attempt: 1,
    outputLimitBytes: 256 * 1024,
    handle,
  };
  const outcome = await runner.start(request).done;
  if (outcome.status !== 'succeeded')
    throw new Error(`${task.name}: ${outcome.status}: ${outcome.error}\n${outcome.output}`);
  return outcome;
}

/** The limit: one bare worker running `path`'s default export; resolves with what it returned, once it exited. */
function runBareWorker(path) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(bareWorker, { workerData: { path } });
    let result = null;
    worker.once('message', (value) => (result = value));
    worker.once('error', reject);
    worker.once('exit', () => resolve({ result }));
  });
}

/** Runs per second with `parallel` loops each starting the next run when its last one ends. */
async function measureThroughput(task, parallel) {
  const runOne = typeof task === 'string' ? () => runBareWorker(task) : () => runOnce(task);
  let runs = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      await runOne();
      runs++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, loop));
  const wallMs = performance.now() - started;
  return { runs, runsPerSec: runs / (wallMs / 1000) };
}

/** ms from runner.start() to the task function being entered, one run at a time. */
async function measureStartup(task, enteredAt) {
  const delays = [];
  for (let i = 0; i < samples; i++) {
    const before = stamp();
    const outcome = typeof task === 'string' ? await runBareWorker(task) : await runOnce(task);
    delays.push(enteredAt(outcome) - before);
  }
  return {
    median: percentile(delays, 50),
    p90: percentile(delays, 90),
    min: Math.min(...delays),
    max: Math.max(...delays),
    samples,
  };
}

const moduleTask = taskWith('empty-module', { kind: 'module', path: emptyModule, exportName: 'default', args: null });
const functionTask = taskWith('empty-function', { kind: 'function', fn: () => undefined });
let functionEnteredAt = 0;
const stampFunctionTask = taskWith('stamp-function', {
  kind: 'function',
  fn: () => void (functionEnteredAt = stamp()),
});
const stampModuleTask = taskWith('stamp-module', {
  kind: 'module',
  path: stampModule,
  exportName: 'default',
  args: null,
});

// Warm-up: the first worker loads the worker entry and its imports from disk; JIT for both kinds.
for (let i = 0; i < 5; i++) await Promise.all([runOnce(moduleTask), runOnce(functionTask), runBareWorker(emptyModule)]);

const result = {
  seconds,
  inFlight,
  module: {
    sequential: await measureThroughput(moduleTask, 1),
    parallel: await measureThroughput(moduleTask, inFlight),
    startupMs: await measureStartup(stampModuleTask, (outcome) => outcome.result),
  },
  bareWorker: {
    sequential: await measureThroughput(emptyModule, 1),
    parallel: await measureThroughput(emptyModule, inFlight),
    startupMs: await measureStartup(stampModule, (outcome) => outcome.result),
  },
  function: {
    sequential: await measureThroughput(functionTask, 1),
    parallel: await measureThroughput(functionTask, inFlight),
    startupMs: await measureStartup(stampFunctionTask, () => functionEnteredAt),
  },
};
rmSync(dir, { recursive: true, force: true });

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
console.log(
  `module tasks: an empty task through the real runner, ${seconds}s per phase; start-up = runner.start() ` +
    `to the function entered, ${samples} samples`,
);
console.log(
  '                      runs/s 1 at a time   runs/s ' +
    `${inFlight} in flight`.padEnd(12) +
    '  start-up median   p90      min',
);
for (const [label, r] of [
  ['module (worker)', result.module],
  ['bare worker (limit)', result.bareWorker],
  ['function (in-process)', result.function],
]) {
  console.log(
    `  ${label.padEnd(22)}${fmt(r.sequential.runsPerSec).padStart(10)}          ` +
      `${fmt(r.parallel.runsPerSec).padStart(10)}    ` +
      `${fmt(r.startupMs.median, 3).padStart(9)} ms  ${fmt(r.startupMs.p90, 3).padStart(7)}  ` +
      `${fmt(r.startupMs.min, 3).padStart(7)}`,
  );
}
console.log(
  `  a worker costs ${fmt(result.module.startupMs.median - result.function.startupMs.median, 2)} ms more to ` +
    `start than an in-process call`,
);
console.log(JSON.stringify(result));
