// What a user waits for at the prompt (issue 3 "Done means"): whole-process wall time of
// `node bin/taskkit list` against a detached daemon holding 1,000 tasks, and of
// `node bin/taskkit run-now NAME`, next to `node -e 0` (bare Node start-up) measured in the same
// run (issue 7 target: within 1.3x). The commands are interleaved round by round so that drift on
// a shared machine hits all alike; the figure is the median of `runs` rounds. The socket is given by TASKKIT_SOCKET
// (the
// fast path: no tasks file is read); `list (finds socket via tasks file)` shows the cost of the
// default lookup, which reads the file's plain settings block; `__complete tasks` is what shell completion
// runs for task names (issue 20.3: under 100 ms, absolute). Since issue 20.3 these verbs take the fast
// path of bin/taskkit (src/cli/fast-path.ts: no commander). Beside wall time, each command's CPU (user +
// system, the mean over the rounds, from /proc/self/stat's children times in 10 ms ticks; Linux only): on a
// loaded machine wall time grows with the neighbours' work, CPU hardly.
// Usage: node bench/scenarios/cli-latency.js [runs=20] [tasks=1000]
// Prints a summary, then one JSON line (last) for bench/run.js. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TASKKIT_BIN as bin, makeTempDir, percentile, writeTasksFile } from '../lib.js';

const [runs = 20, total = 1000] = process.argv.slice(2).map(Number);
const temp = makeTempDir();
const dir = temp.dir;
const { path, socket } = writeTasksFile({ dir, total, extraLines: ['  quick:', '    run: "true"'] });
// No colour and no inherited TASKKIT_*: what a script piping `taskkit list` gets.
const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', TZ: 'UTC' };

/**
 * CPU ms (user + system) of this process's children waited for so far, from /proc/self/stat (cutime, cstime);
 * null without /proc. In clock ticks (10 ms): one command's figure is coarse, the mean of many is not, and CPU
 * is what a loaded machine distorts least (a busy neighbour adds wall time, not the command's CPU).
 */
function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}

/** Run `argv` to completion: wall ms from spawn to exit, CPU ms (null without /proc). Throws on a non-zero exit. */
function time(argv, extraEnv = {}) {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const result = spawnSync(process.execPath, argv, {
    cwd: dir,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 2 ** 20,
  });
  const ms = performance.now() - started;
  const cpuAfter = childrenCpuMs();
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

const start = spawnSync(process.execPath, [bin, 'start', '--config', path], { env, encoding: 'utf8' });
if (start.status !== 0) throw new Error(`taskkit start failed: ${start.stderr}`);
const pid = Number(readFileSync(join(dir, 'state', 'taskkit.pid'), 'utf8'));
try {
  const commands = {
    'node -e 0': () => time(['-e', '0']),
    'taskkit list': () => time([bin, 'list'], { TASKKIT_SOCKET: socket }),
    'taskkit run-now quick': () => time([bin, 'run-now', 'quick'], { TASKKIT_SOCKET: socket }),
    'taskkit list (finds socket via tasks file)': () => time([bin, 'list', '--config', path]),
    // What the shell runs at each <Tab> after `taskkit run-now ` (issue 20.3: < 100 ms).
    'taskkit __complete tasks': () => time([bin, '__complete', 'tasks'], { TASKKIT_SOCKET: socket }),
  };
  for (const measure of Object.values(commands)) measure(); // warm the page cache
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let round = 0; round < runs; round++) {
    for (const [name, measure] of Object.entries(commands)) samples[name].push(measure());
  }
  const medians = Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [
      name,
      percentile(
        values.map((sample) => sample.ms),
        50,
      ),
    ]),
  );
  // CPU: the mean (clock ticks make each sample coarse); null without /proc.
  const cpuMeans = Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [
      name,
      values.some((sample) => sample.cpuMs === null)
        ? null
        : values.reduce((sum, sample) => sum + sample.cpuMs, 0) / values.length,
    ]),
  );
  const bare = medians['node -e 0'];
  const bareCpu = cpuMeans['node -e 0'];
  console.log(`median of ${runs} runs (CPU: mean), daemon with ${total + 1} tasks`);
  for (const [name, ms] of Object.entries(medians)) {
    const cpu = cpuMeans[name];
    const cpuText = cpu === null ? '' : `   CPU ${cpu.toFixed(1).padStart(6)} ms  ${(cpu / bareCpu).toFixed(2)}x`;
    console.log(`  ${name.padEnd(44)} ${ms.toFixed(1).padStart(6)} ms  ${(ms / bare).toFixed(2)}x${cpuText}`);
  }
  console.log(
    JSON.stringify({
      runs,
      tasks: total + 1,
      medians,
      ratios: Object.fromEntries(Object.entries(medians).map(([name, ms]) => [name, ms / bare])),
      cpuMeans,
      cpuRatios: Object.fromEntries(
        Object.entries(cpuMeans).map(([name, cpu]) => [name, cpu === null || bareCpu === null ? null : cpu / bareCpu]),
      ),
    }),
  );
} finally {
  // Never leave the daemon behind, whatever happened above.
  try {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      process.kill(pid, 0); // throws once it is gone
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  } catch {
    // gone
  }
  temp.remove();
}
