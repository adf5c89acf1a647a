// Scenario: the engine + real runner with `total` tasks loaded from YAML (as the daemon loads it), `firing` of them shell
// tasks every second. Lateness = ms from the scheduled instant to the runner's start() call
// (the spawn call). Also reports CPU and RSS. Prints one JSON line.
import { loadTasksFileIsolated } from '../../dist/daemon/load-isolated.js';
import { Scheduler } from '../../dist/engine/scheduler.js';
import { createSystemClock } from '../../dist/engine/clock.js';
import { createRunner } from '../../dist/runner/runner.js';
import { summarize, writeTasksFile, sleep } from '../lib.js';

const [total = 10_000, firing = 10, seconds = 15, stagger = 0] = process.argv.slice(2).map(Number);
const { path } = writeTasksFile({ total, firing, stagger: Boolean(stagger) });
const loadStart = performance.now();
const file = await loadTasksFileIsolated(path, { env: process.env });
const runner = createRunner();
const lateness = [];
const measuringRunner = {
  start(request, onOutput) {
    if (request.scheduledAt !== null) lateness.push(Date.now() - request.scheduledAt);
    return runner.start(request, onOutput);
  },
};
const scheduler = new Scheduler({ clock: createSystemClock(), runner: measuringRunner, maxConcurrent: file.settings.maxConcurrent });
for (const task of file.tasks) scheduler.add(task);
scheduler.start();
const loadMs = performance.now() - loadStart;
await sleep(1500); // let start-up garbage settle before measuring
lateness.length = 0;
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await sleep(seconds * 1000);
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - wallBefore;
await scheduler.stop({ graceMs: 1000 });
const rssMb = process.memoryUsage().rss / 2 ** 20;
console.log(JSON.stringify({ total, firing, seconds, stagger: Boolean(stagger), loadMs, lateness: summarize(lateness), cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100, rssMb }));
