// Scenario 1 (issue 7): engine precision in process. N in-process jobs firing every second under
// one subject: taskkit's library Scheduler (`every: 1s` function tasks), node-cron, croner,
// toad-scheduler (SimpleIntervalJob), or `bare`, the limit: ONE setTimeout re-armed to each whole
// second that calls the N callbacks in a loop (for "N jobs due on the same second", nothing can
// do less than one timer and N calls; N separate timers would only add work).
// Figures: completeness (fires with a due instant in the window / N x window seconds), lateness
// (ms from the due instant to the job's function being entered), CPU ms per second of wall time,
// heap per job ((heapUsed with N loaded - heapUsed before, both after gc) / N) and RSS.
// Usage: node --expose-gc bench/scenarios/engine-precision.js SUBJECT N SECONDS [WARMUP=2]
// Prints one JSON line.
import { sleep, summarize } from '../lib.js';

const [subject = 'taskkit', nArg = '1000', secondsArg = '10', warmupArg = '2'] = process.argv.slice(2);
const n = Number(nArg);
const seconds = Number(secondsArg);
const warmup = Number(warmupArg);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const SECOND = 1000;
// Preallocated before the heap baseline, so that the samples do not count as the subject's heap.
const capacity = n * (seconds + warmup + 6);
const dues = new Float64Array(capacity);
const lateness = new Float64Array(capacity);
let count = 0;
let recording = false;
// The measured window, whole seconds [from, to); set once the warm-up is over.
let from = Infinity;
let to = -Infinity;
let windowFires = 0;

/** Every job calls this when entered, with the instant it was due at. */
function fired(due) {
  if (!recording || count >= capacity) return;
  dues[count] = due;
  lateness[count] = Date.now() - due;
  count++;
  if (due >= from && due < to) windowFires++;
}

// Each subject's module, imported before the heap baseline: code is not per-job heap.
const modules = {
  taskkit: () => import('../../dist/index.js'),
  'node-cron': () => import('node-cron'),
  croner: () => import('croner'),
  toad: () => import('toad-scheduler'),
  bare: () => ({}),
};

// Each loader schedules n jobs calling `fired(due)` and returns a stop function.
const loaders = {
  taskkit({ Scheduler }) {
    // The default max-concurrent (8), as a user gets it; BENCH_MAX_CONCURRENT overrides (diagnosis).
    const maxConcurrent = Number(process.env.BENCH_MAX_CONCURRENT ?? 8);
    const scheduler = new Scheduler({ timezone: 'UTC', maxConcurrent });
    for (let i = 0; i < n; i++) scheduler.add(`job-${i}`, { every: '1s', run: (ctx) => fired(ctx.scheduledAt) });
    scheduler.start();
    return () => scheduler.stop({ graceMs: 0 });
  },
  'node-cron'({ default: cron }) {
    const tasks = [];
    let missed = 0;
    for (let i = 0; i < n; i++) {
      // ctx.date is the instant the fire was scheduled for.
      const task = cron.schedule('* * * * * *', (ctx) => fired(ctx.date.getTime()));
      // A listener keeps node-cron from printing a warning per missed fire (they are counted instead).
      task.on('execution:missed', () => missed++);
      tasks.push(task);
    }
    return () => {
      for (const task of tasks) task.destroy();
      return { missedReported: missed };
    };
  },
  croner({ Cron }) {
    const jobs = [];
    // croner does not hand the scheduled instant to the function: it is the whole second the
    // fire belongs to (croner fires at or after it, and well under a second late here).
    for (let i = 0; i < n; i++)
      jobs.push(new Cron('* * * * * *', () => fired(Math.floor(Date.now() / SECOND) * SECOND)));
    return () => jobs.forEach((job) => job.stop());
  },
  toad({ ToadScheduler, SimpleIntervalJob, Task }) {
    const scheduler = new ToadScheduler();
    for (let i = 0; i < n; i++) {
      // An interval job's k-th fire is due k seconds after it was added (setInterval semantics).
      const addedAt = Date.now();
      let k = 0;
      scheduler.addSimpleIntervalJob(
        new SimpleIntervalJob({ seconds: 1 }, new Task(`job-${i}`, () => fired(addedAt + ++k * SECOND))),
      );
    }
    return () => scheduler.stop();
  },
  bare() {
    const callbacks = Array.from({ length: n }, () => (due) => fired(due));
    let timer;
    const arm = () => {
      const due = Math.floor(Date.now() / SECOND) * SECOND + SECOND;
      timer = setTimeout(() => {
        for (const callback of callbacks) callback(due);
        arm();
      }, due - Date.now());
    };
    arm();
    return () => clearTimeout(timer);
  },
};

const load = loaders[subject];
if (load === undefined) throw new Error(`unknown subject ${subject}`);
const module = await modules[subject]();
globalThis.gc();
globalThis.gc();
const heapBefore = process.memoryUsage().heapUsed;
const loadStarted = performance.now();
const stop = load(module);
const loadMs = performance.now() - loadStarted;
recording = true;
await sleep(warmup * SECOND);
globalThis.gc();
globalThis.gc();
const heapAfter = process.memoryUsage().heapUsed;
// The window: whole seconds [from, to), starting after the gc above has settled.
from = Math.ceil((Date.now() + 300) / SECOND) * SECOND;
to = from + seconds * SECOND;
await sleep(from - Date.now() - 100);
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await sleep(to - Date.now());
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - wallBefore;
// Late fires of the window's last seconds still count if they come within 3 s: a subject later
// than that has fallen behind for good, and its missing fires show as incompleteness.
const expected = n * seconds;
for (const graceEnd = Date.now() + 3 * SECOND; windowFires < expected && Date.now() < graceEnd;) await sleep(50);
recording = false;
const stopInfo = (await stop()) ?? {};

const inWindow = [];
for (let i = 0; i < count; i++) if (dues[i] >= from && dues[i] < to) inWindow.push(lateness[i]);
console.log(
  JSON.stringify({
    subject,
    n,
    seconds,
    loadMs,
    fires: inWindow.length,
    expected,
    completeness: inWindow.length / expected,
    lateness: summarize(inWindow),
    cpuMsPerSec: ((cpu.user + cpu.system) / 1000 / wallMs) * 1000,
    heapPerJobBytes: (heapAfter - heapBefore) / n,
    rssMb: process.memoryUsage().rss / 2 ** 20,
    ...stopInfo,
  }),
);
process.exit(0);
