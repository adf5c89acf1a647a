// `npm run bench`: taskkit side by side with the bare limit, in one run, printing ratios
// (these machines are shared and noisy; absolute figures mean little on their own).
// Writes bench/results/<date>.json. `-- --quick` shortens every scenario.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { runScenario } from './lib.js';
import { DAEMON_NODE_FLAGS } from '../dist/daemon/detach.js';

const quick = process.argv.includes('--quick');
const seconds = quick ? 5 : 15;
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const ratio = (a, b) => (b > 0 ? `${fmt(a / b, 2)}x` : 'n/a');

console.log(`taskkit bench (${quick ? 'quick' : 'full'}): node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`);
const results = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, quick };

console.log(`\n1. Fire lateness, 10,000 tasks loaded, 10 shell tasks firing every second, ${seconds}s (ms from the due instant to the spawn call)`);
console.log('   staggered: the 10 instants are 100 ms apart, so this is the scheduler\'s own lateness (target p99 < 5 ms);');
console.log('   burst: all 10 are due on the same instant, so the k-th waits for k-1 synchronous spawns (~1-2 ms each), in any scheduler.');
results.lateness = {};
console.log('                        p50      p99      max     samples  CPU%    RSS MB');
const row = (name, r) => console.log(`  ${name.padEnd(20)}${fmt(r.lateness.p50).padStart(5)}  ${fmt(r.lateness.p99).padStart(7)}  ${fmt(r.lateness.max).padStart(7)}  ${String(r.lateness.n).padStart(8)}  ${fmt(r.cpuPercent, 2).padStart(5)}  ${fmt(r.rssMb).padStart(7)}`);
for (const [label, stagger] of [['staggered', 1], ['burst', 0]]) {
  // taskkit's scenarios run with the node flags the detached daemon runs with.
  const daemon = await runScenario('daemon-lateness', [10_000, 10, seconds, stagger], [...DAEMON_NODE_FLAGS]);
  const bare = await runScenario('bare-timer', [10, seconds, stagger]);
  results.lateness[label] = { taskkit: daemon, bare };
  row(`taskkit ${label}`, daemon);
  row(`bare timer ${label}`, bare);
  console.log(`  ratio p99 taskkit/bare (${label}): ${ratio(daemon.lateness.p99, bare.lateness.p99)}   (load + schedule of 10,000 tasks: ${fmt(daemon.loadMs, 0)} ms)`);
  if (stagger) console.log(`  target: p99 < 5 ms -> ${daemon.lateness.p99 < 5 ? 'met' : 'MISSED'}`);
}

const settle = quick ? 16 : 20;
console.log(`\n2. Idle cost, ${seconds}s with nothing due, after ${settle}s for start-up garbage to be collected`);
const idle = await runScenario('idle', [10_000, seconds, settle], ['--expose-gc', ...DAEMON_NODE_FLAGS]);
const idleBare = await runScenario('idle', [0, seconds, settle], ['--expose-gc']);
results.idle = { taskkit: idle, bare: idleBare };
console.log('                   CPU% of a core   RSS MB   heap MB');
console.log(`  taskkit 10,000   ${fmt(idle.cpuPercent, 3).padStart(14)}   ${fmt(idle.rssMb).padStart(6)}   ${fmt(idle.heapMb).padStart(7)}`);
console.log(`  bare node        ${fmt(idleBare.cpuPercent, 3).padStart(14)}   ${fmt(idleBare.rssMb).padStart(6)}   ${fmt(idleBare.heapMb).padStart(7)}`);
console.log(`  RSS ratio taskkit/bare: ${ratio(idle.rssMb, idleBare.rssMb)}; heap per task: ${fmt(((idle.heapMb - idleBare.heapMb) * 2 ** 20) / 10_000, 0)} bytes`);
console.log(`  targets: idle CPU < 0.1% -> ${idle.cpuPercent < 0.1 ? 'met' : 'MISSED'}; RSS < 100 MB -> ${idle.rssMb < 100 ? 'met' : 'MISSED'}`);

const cliRuns = 20;
console.log(`\n3. CLI latency: whole-process wall time against a detached daemon holding 1,000 tasks, median of ${cliRuns}`);
const cli = await runScenario('cli-latency', [cliRuns, 1000]);
results.cliLatency = cli;
const bareStart = cli.medians['node -e 0'];
for (const [name, ms] of Object.entries(cli.medians)) console.log(`  ${name.padEnd(44)} ${fmt(ms).padStart(6)} ms  ${ratio(ms, bareStart)}`);
const slowest = Math.max(cli.medians['taskkit list'], cli.medians['taskkit run-now quick']);
console.log(`  target: list and run-now within 1.5x of node -e 0 -> ${slowest <= 1.5 * bareStart ? 'met' : 'MISSED'}`);

console.log(`\n4. Module tasks: an empty module task (a fresh worker per run) next to an empty in-process function task`);
const modules = await runScenario('module-throughput', [quick ? 2 : 5, 4, 30]);
results.modules = modules;
console.log('                   runs/s, 1 at a time   runs/s, 4 in flight   start-up median (p90), ms');
for (const [name, r] of [['module (worker)', modules.module], ['function', modules.function]]) {
  console.log(`  ${name.padEnd(16)} ${fmt(r.sequential.runsPerSec).padStart(20)}  ${fmt(r.parallel.runsPerSec).padStart(20)}   ${fmt(r.startupMs.median, 2)} (${fmt(r.startupMs.p90, 2)})`);
}

const [phaseSeconds, rounds, inFlight] = quick ? [2, 2, 4] : [3, 4, 4];
console.log(`\n5. Recording overhead: runs per second of \`true\`, ${inFlight} in flight, history recorded in SQLite (on) against the same spawns unrecorded (off), alternating ${rounds} x ${phaseSeconds}s each`);
const store = await runScenario('store-overhead', [phaseSeconds, rounds, inFlight]);
results.storeOverhead = store;
console.log('                     runs/s   CPU ms/run     runs');
for (const [label, side] of [['recording off', store.off], ['recording on', store.on]]) {
  console.log(`  ${label.padEnd(15)}  ${fmt(side.runsPerSec).padStart(8)}  ${fmt(side.cpuMsPerRun, 2).padStart(11)}  ${String(side.runs).padStart(7)}`);
}
console.log(
  `  store: ${store.store.flushes} transactions of ${fmt(store.store.meanBatch)} writes, ${fmt(store.store.meanFlushMs, 3)} ms mean / ${fmt(store.store.maxFlushMs, 2)} ms max each; ` +
    `${fmt(store.store.enqueueUsPerRun)} us per run on the engine's stack; ${store.rows} rows, ${fmt(store.dbBytes / 1024, 0)} KiB`,
);
console.log(`  ratio on/off: ${fmt(store.ratio, 3)}x -> recording costs ${fmt(store.overheadPercent)}%; target < 10% -> ${store.overheadPercent < 10 ? 'met' : 'MISSED'}`);

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const out = new URL(`./results/${results.date.slice(0, 19).replace(/:/g, '-')}.json`, import.meta.url);
writeFileSync(out, JSON.stringify(results, null, 2));
console.log(`\nresults: ${out.pathname}`);
