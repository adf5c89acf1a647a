// Shared helpers of the benchmark scenarios: percentiles, child processes (scenarios and daemons),
// /proc readings, and the tasks files they load.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The launcher every daemon and CLI measurement runs (bin/taskkit -> dist/bin/taskkit.cjs, scripts/bundle.js). */
export const TASKKIT_BIN = fileURLToPath(new URL('../bin/taskkit', import.meta.url));

/** Sleep in real time (benchmarks only; tests never do this). */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** p-th percentile (0-100) of numbers sorted ascending, nearest-rank. */
export function percentileSorted(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** p-th percentile (0-100) of numbers, nearest-rank. */
export function percentile(values, p) {
  return percentileSorted(Float64Array.from(values).sort(), p);
}

/** Summary of lateness samples in ms (sorted once: scenario 1 has up to 100,000 of them). */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  return {
    n: sorted.length,
    p50: percentileSorted(sorted, 50),
    p99: percentileSorted(sorted, 99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
  };
}

/**
 * Run `node [nodeArgs] bench/scenarios/<name>.js args` in its own process and parse the JSON line
 * it prints last. A scenario past `timeoutMs` is killed (its process group) and resolves to
 * `{ error }`, so one pathological subject costs its budget, not the whole run.
 */
export function runScenario(name, args = [], { nodeArgs = [], timeoutMs = 180_000, env = process.env } = {}) {
  const script = fileURLToPath(new URL(`./scenarios/${name}.js`, import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args.map(String)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
      detached: true,
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (err += chunk));
    const timer = setTimeout(() => {
      killGroup(child.pid, 'SIGKILL');
      resolve({ error: `timed out after ${timeoutMs / 1000} s` });
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${signal ?? code}`);
        resolve(JSON.parse(last));
      } catch (error) {
        resolve({
          error: `${name} ${args.join(' ')}: ${error.message}: ${err.trim().split('\n').slice(-5).join(' | ')}`,
        });
      }
    });
  });
}

/** Signal a process group led by `pid`; a group already gone is fine. */
export function killGroup(pid, signal = 'SIGTERM') {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone
  }
}

/**
 * Resolves once the daemon on `path` answers: a connect AND the protocol's hello exchange. A bare
 * connect is not enough: the kernel accepts connections as soon as the socket listens, which the
 * daemon does before it has added its tasks (it answers only after that synchronous work).
 */
export async function waitForSocket(path, timeoutMs = 120_000) {
  const { connectControl } = await import('../dist/control/client.js');
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const client = await connectControl({ socket: path, timeoutMs: Math.max(1000, deadline - performance.now()) });
      client.close();
      return;
    } catch (error) {
      if (performance.now() > deadline) {
        throw new Error(`no daemon answering on ${path} after ${timeoutMs} ms: ${error.message}`, { cause: error });
      }
      await sleep(10);
    }
  }
}

/**
 * `taskkit start --foreground --config path` with the node flags the detached daemon runs with
 * (DAEMON_NODE_FLAGS), in its own process group; resolves once the daemon answers on its socket.
 * `onSpawn(pid)` is called at once (to watch the start-up from outside).
 */
export async function startDaemon({ configPath, socket, nodeFlags = [], env = {}, onSpawn = () => {} }) {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, TASKKIT_BIN, 'start', '--foreground', '--config', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', NO_COLOR: '1', ...env },
    detached: true,
  });
  onSpawn(child.pid);
  // The daemon has its own process group, so a scenario that throws, or is stopped by Ctrl-C or
  // SIGTERM, would leave it running (two 10,000-task daemons once ran on for hours): kill its group
  // on the way out, then let the signal do what it would have done.
  const killDaemon = () => killGroup(child.pid, 'SIGKILL');
  const onSignal = (signal) => {
    killDaemon();
    process.kill(process.pid, signal);
  };
  process.once('exit', killDaemon);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (log = (log + chunk).slice(-4000)));
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      process.off('exit', killDaemon);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal ?? code);
    }),
  );
  await Promise.race([
    waitForSocket(socket),
    exited.then((how) => {
      throw new Error(`daemon exited (${how}) before its socket accepted: ${log}`);
    }),
  ]);
  return {
    pid: child.pid,
    readyMs: performance.now() - started,
    log: () => log,
    /** SIGTERM, then wait for the exit (SIGKILL after `graceMs`). */
    async stop(graceMs = 10_000) {
      killGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * CPU and wake-up counters of a live process, from /proc: `cpuNs` sums every thread's run time
 * (schedstat, ns), `wakes` is the main thread's voluntary context switches (each time the event
 * loop blocked and was woken), `rssMb` the resident set, `hwmMb` its peak.
 */
export function readProc(pid) {
  let cpuNs = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      cpuNs += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between readdir and read
    }
  }
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  const mainStatus = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  const wakes = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(mainStatus)?.[1] ?? NaN);
  return { cpuNs, wakes, rssMb: field('VmRSS') / 1024, hwmMb: field('VmHWM') / 1024 };
}

/** The pid of the taskkit-spawner child of a daemon (runner/spawner-client.ts), or null (a bare subject has none). */
export function spawnerPidOf(pid) {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let children;
    try {
      children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue; // the thread ended between readdir and read
    }
    for (const child of children.split(' ').filter(Boolean)) {
      try {
        if (readFileSync(`/proc/${child}/cmdline`, 'utf8').startsWith('taskkit-spawner')) return Number(child);
      } catch {
        // the child ended meanwhile
      }
    }
  }
  return null;
}

/**
 * readProc of a daemon with its spawner child's CPU added (the spawner forks the runs: what the
 * daemon no longer does, it does), as `cpuNs`; `daemonCpuNs` and `spawnerCpuNs` apart. The runs'
 * own CPU is in neither (they are the spawner's children, not its threads). A spawner restarted
 * between two readings would count from zero: compare `spawnerPid` too.
 */
export function readDaemonProc(pid) {
  const daemon = readProc(pid);
  const spawnerPid = spawnerPidOf(pid);
  let spawnerCpuNs = 0;
  if (spawnerPid !== null) {
    try {
      spawnerCpuNs = readProc(spawnerPid).cpuNs;
    } catch {
      // it ended meanwhile: counted as none
    }
  }
  return { ...daemon, cpuNs: daemon.cpuNs + spawnerCpuNs, daemonCpuNs: daemon.cpuNs, spawnerCpuNs, spawnerPid };
}

/** A fresh temporary folder for one measurement, and its removal. */
export function makeTempDir(prefix = 'taskkit-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A schedule whose next instant is years away for the i-th idle task: every, cron, at in turn. */
export function farScheduleLines(i) {
  switch (i % 3) {
    case 0:
      return ['every: 30d', 'start: 2100-01-01T00:00'];
    case 1:
      return [`cron: "${i % 60} ${i % 24} 29 2 *"`];
    default:
      return ['at: 2099-12-31T23:59'];
  }
}

/**
 * A schedule of each kind in turn, as a real file mixes them (scenario 4): every, daily, a
 * simple cron, a complex cron (lists, ranges, steps, weekdays), at. Expressions vary with i, as
 * hand-written files do, so that sharing identical expressions is not the whole story.
 */
export function mixedScheduleLines(i) {
  const hh = String(i % 24).padStart(2, '0');
  const mm = String(i % 60).padStart(2, '0');
  switch (i % 5) {
    case 0:
      return [`every: ${(i % 59) + 1}m`];
    case 1:
      return [`daily: ["${hh}:${mm}", "${String((i + 12) % 24).padStart(2, '0')}:${mm}"]`];
    case 2:
      return [`cron: "${i % 60} ${i % 24} * * *"`];
    case 3:
      return [`cron: "${i % 15}-59/15 ${i % 6},${(i % 6) + 8}-${(i % 6) + 14} */2 1-11 mon-fri"`];
    default:
      return [`at: 2099-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}T${hh}:${mm}`];
  }
}

/**
 * A tasks file in `dir` with `total` tasks: the `firing` ones first (each given as its lines),
 * then idle ones whose schedule is `scheduleLines(i)` (default: far in the future), then
 * `extraLines` as written. `settings` lines are added to the settings block.
 */
export function writeTasksFile({
  dir,
  total,
  firing = [],
  scheduleLines = farScheduleLines,
  settings = [],
  extraLines = [],
}) {
  const lines = [
    'settings:',
    `  state-dir: ${join(dir, 'state')}`,
    `  socket: ${join(dir, 'taskkit.sock')}`,
    '  timezone: UTC',
    ...settings.map((line) => `  ${line}`),
    'tasks:',
  ];
  for (const [i, taskLines] of firing.entries()) lines.push(`  fire-${i}:`, ...taskLines.map((line) => `    ${line}`));
  for (let i = firing.length; i < total; i++)
    lines.push(`  task-${i}:`, ...scheduleLines(i).map((line) => `    ${line}`), '    run: "true"');
  lines.push(...extraLines);
  const path = join(dir, 'tasks.yaml');
  writeFileSync(path, lines.join('\n') + '\n');
  return { path, socket: join(dir, 'taskkit.sock'), stateDir: join(dir, 'state') };
}

/** The run history database of a daemon's state dir. */
export function historyPath(stateDir) {
  const path = join(stateDir, 'taskkit.db');
  if (!existsSync(path)) throw new Error(`no history database at ${path}`);
  return path;
}

/**
 * A whole TaskSpec at the tasks-file defaults (on demand, `run: "true"`), for scenarios that drive the runner directly.
 */
export function makeTaskSpec(name, overrides = {}) {
  return {
    name,
    description: '',
    schedule: { kind: 'on-demand' },
    timezone: 'UTC',
    action: { kind: 'shell', script: 'true', shell: '/bin/sh' },
    cwd: tmpdir(),
    env: {},
    timeoutMs: null,
    killAfterMs: 10_000,
    overlap: 'skip',
    retry: { attempts: 0, delayMs: 10_000, backoff: 2, maxDelayMs: 600_000 },
    jitterMs: 0,
    catchUp: 'skip',
    deadlineMs: null,
    hold: false,
    maxRuns: null,
    until: null,
    after: [],
    onSuccess: [],
    onFailure: [],
    history: { keep: 200, outputLimitBytes: 256 * 1024 },
    ...overrides,
  };
}
