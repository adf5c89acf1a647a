// Scenario 4 (issue 7): scale of the tasks file. Three modes, each run in its own process:
// - `load N`: a tasks file of N tasks mixing every kind (bench/lib.js mixedScheduleLines) is read,
//   parsed, validated and linted (loadTasksFile with lintNow, what the daemon's loader child runs) and
//   every task's first instant computed (compileSchedule(...).next(now), what Scheduler.add does):
//   wall ms of each phase, CPU ms and the process's peak RSS (getrusage maxrss).
// - `daemon N`: the same file under `taskkit start --foreground`: ms until the control socket
//   accepts, and the peak RSS of the daemon and of its short-lived loader child (VmHWM, polled).
// - `next LIB`: next-instant computations per second per schedule kind, from varied instants,
//   in Europe/Berlin (a zone with DST), for taskkit (compileSchedule(...).next), croner
//   (Cron#nextRun(date)) and cron-parser (CronExpression#reset(date) + next()), after warm-up.
// Usage: node bench/scenarios/scale.js load|daemon N  |  node bench/scenarios/scale.js next LIB MS
// (`write N DIR`: the tasks file of `load`, written by a process of its own)
// Prints one JSON line.
import { DAEMON_NODE_FLAGS } from '../../dist/daemon/detach.js';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, mixedScheduleLines, readProc, startDaemon, writeTasksFile } from '../lib.js';

const [mode = 'load', arg = '10000', msArg = '300'] = process.argv.slice(2);

async function measureLoad(n) {
  const temp = makeTempDir();
  // Written by another process: the writer's strings are no part of the loader's peak RSS.
  execFileSync(process.execPath, [fileURLToPath(import.meta.url), 'write', String(n), temp.dir]);
  const file = { path: join(temp.dir, 'tasks.yaml') };
  const [{ loadTasksFile }, { compileSchedule }] = await Promise.all([
    import('../../dist/config/load.js'),
    import('../../dist/schedule/next.js'),
  ]);
  const started = performance.now();
  const cpuBefore = (process.cpuUsage().user + process.cpuUsage().system) / 1000;
  const tasksFile = loadTasksFile(file.path, { env: process.env, lintNow: Date.now() });
  const loadedAt = performance.now();
  const now = Date.now();
  let scheduled = 0;
  for (const task of tasksFile.tasks) if (compileSchedule(task.schedule, task.timezone).next(now) !== null) scheduled++;
  const doneAt = performance.now();
  temp.remove();
  return {
    mode,
    n,
    totalMs: doneAt - started,
    loadMs: loadedAt - started,
    firstInstantsMs: doneAt - loadedAt,
    scheduled,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 - cpuBefore,
  };
}

async function measureDaemon(n) {
  const temp = makeTempDir();
  const file = writeTasksFile({ dir: temp.dir, total: n, scheduleLines: mixedScheduleLines });
  // Poll the daemon and its loader child for their peak RSS while it starts.
  const peaks = new Map();
  let daemonPid = null;
  const poll = setInterval(() => {
    if (daemonPid === null) return;
    for (const pid of [daemonPid, ...listDescendants(daemonPid)]) {
      try {
        const { hwmMb } = readProc(pid);
        if (Number.isFinite(hwmMb)) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, hwmMb));
      } catch {
        // exited
      }
    }
  }, 10);
  const daemon = await startDaemon({
    configPath: file.path,
    socket: file.socket,
    nodeFlags: DAEMON_NODE_FLAGS,
    onSpawn: (pid) => (daemonPid = pid),
  });
  const daemonPeak = Math.max(peaks.get(daemon.pid) ?? 0, readProc(daemon.pid).hwmMb);
  clearInterval(poll);
  const loaderPeak = Math.max(0, ...[...peaks].filter(([pid]) => pid !== daemon.pid).map(([, mb]) => mb));
  await daemon.stop();
  temp.remove();
  return { mode, n, readyMs: daemon.readyMs, daemonPeakRssMb: daemonPeak, loaderPeakRssMb: loaderPeak };
}

/** Pids of every descendant of `pid` (children's children too), from /proc. */
export function listDescendants(pid) {
  const out = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift();
    for (const tid of safeReaddir(`/proc/${current}/task`)) {
      let children;
      try {
        children = readFileSync(`/proc/${current}/task/${tid}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

function safeReaddir(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

const KINDS = {
  every: { taskkit: { every: '5m' } },
  daily: { taskkit: { daily: ['03:30', '15:30'] }, cron: '0 30 3,15 * * *' },
  'cron simple': { taskkit: { cron: '*/15 * * * *' }, cron: '0 */15 * * * *' },
  'cron complex': { taskkit: { cron: '5-59/15 2,8-14 */2 1-11 mon-fri' }, cron: '0 5-59/15 2,8-14 */2 1-11 mon-fri' },
  at: { taskkit: { at: ['2031-01-01T09:00', '2032-06-30T18:00'] } },
};
const ZONE = 'Europe/Berlin';

/** Calls per second of `next(after)` over varied instants, for `ms` after a warm-up. */
function rate(next, ms) {
  const afters = Array.from(
    { length: 1024 },
    (_, i) => Date.UTC(2026, 0, 1) + ((i * 7_919_993_731) % (4 * 365 * 86_400_000)),
  );
  let sink = 0;
  for (let i = 0; i < 2000; i++) sink += Number(next(afters[i & 1023]) ?? 0);
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 256; i++) sink += Number(next(afters[calls++ & 1023]) ?? 0);
    elapsed = performance.now() - started;
  }
  if (sink === 42) console.error('');
  return (calls / elapsed) * 1000;
}

async function measureNext(lib, ms) {
  const rates = {};
  if (lib === 'taskkit') {
    const [{ validateScheduleDefinition }, { compileSchedule }] = await Promise.all([
      import('../../dist/config/normalize.js'),
      import('../../dist/schedule/next.js'),
    ]);
    for (const [kind, { taskkit }] of Object.entries(KINDS)) {
      const { spec, issues } = validateScheduleDefinition(taskkit, ZONE);
      if (spec === undefined) throw new Error(`${kind}: ${JSON.stringify(issues)}`);
      const schedule = compileSchedule(spec, ZONE);
      rates[kind] = rate((after) => schedule.next(after), ms);
    }
  } else if (lib === 'croner') {
    const { Cron } = await import('croner');
    for (const [kind, { cron }] of Object.entries(KINDS)) {
      if (cron === undefined) continue;
      const job = new Cron(cron, { timezone: ZONE, paused: true });
      rates[kind] = rate((after) => job.nextRun(new Date(after))?.getTime(), ms);
    }
  } else if (lib === 'cron-parser') {
    const { CronExpressionParser } = await import('cron-parser');
    for (const [kind, { cron }] of Object.entries(KINDS)) {
      if (cron === undefined) continue;
      const expression = CronExpressionParser.parse(cron, { tz: ZONE, currentDate: new Date() });
      rates[kind] = rate((after) => {
        expression.reset(new Date(after));
        return expression.next().getTime();
      }, ms);
    }
  } else throw new Error(`unknown library ${lib}`);
  return { mode, lib, zone: ZONE, callsPerSec: rates };
}

if (mode === 'write') {
  writeTasksFile({ dir: msArg, total: Number(arg), scheduleLines: mixedScheduleLines });
  process.exit(0);
}

const result =
  mode === 'load'
    ? await measureLoad(Number(arg))
    : mode === 'daemon'
      ? await measureDaemon(Number(arg))
      : await measureNext(arg, Number(msArg));
console.log(JSON.stringify(result));
