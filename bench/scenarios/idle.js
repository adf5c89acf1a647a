// Idle cost: `total` tasks loaded, none due during the measurement (firing = 0). With total = 0 it
// is the bare Node baseline: the same process, one 10 s keep-alive timer, nothing loaded.
// Measured after `settle` seconds: V8's memory reducer runs one major GC some 10-15 s after the
// load's garbage, a one-off start-up cost that is not what "idle" means.
import { loadTasksFileIsolated } from '../../dist/daemon/load-isolated.js';
import { Scheduler } from '../../dist/engine/scheduler.js';
import { createSystemClock } from '../../dist/engine/clock.js';
import { createRunner } from '../../dist/runner/runner.js';
import { writeTasksFile, sleep } from '../lib.js';

const [total = 10_000, seconds = 20, settle = 20] = process.argv.slice(2).map(Number);
let scheduler;
if (total > 0) {
  const file = await loadTasksFileIsolated(writeTasksFile({ total }).path, { env: process.env });
  scheduler = new Scheduler({ clock: createSystemClock(), runner: createRunner() });
  for (const task of file.tasks) scheduler.add(task);
  scheduler.start();
} else {
  setInterval(() => {}, 10_000);
}
globalThis.gc?.();
await sleep(settle * 1000);
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await sleep(seconds * 1000);
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - wallBefore;
globalThis.gc?.();
const memory = process.memoryUsage();
await scheduler?.stop({ graceMs: 0 });
console.log(JSON.stringify({ total, seconds, settle, cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100, rssMb: memory.rss / 2 ** 20, heapMb: memory.heapUsed / 2 ** 20 }));
process.exit(0);
