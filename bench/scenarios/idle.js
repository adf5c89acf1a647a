// Scenario 3 (issue 7): idle cost. For each size, N tasks due years from now under each subject,
// each in its own process: taskkit's library Scheduler, the taskkit daemon (`start --foreground`,
// shell tasks from a tasks file), node-cron, croner, toad-scheduler, and a bare node process with
// one timer (the floor). All are loaded (two at a time: 2 cores), left `settle` seconds for start-up
// garbage to be collected, then measured together over the same `seconds`, from outside, so the
// measuring costs them nothing:
// - CPU: every thread's run time (/proc/PID/task/*/schedstat, ns);
// - wake-ups: the main thread's voluntary context switches (/proc/PID/task/PID/status): each is
//   the event loop blocking in epoll_pwait and being woken. Calibrated on a bare `setInterval(f,
//   200)`: 5 a second, one per timer fire (strace counts two epoll_pwait calls per wake, one of
//   them non-blocking, so the switch count is the closer proxy);
// - RSS at the end of the window.
// Usage: node bench/scenarios/idle.js SIZES(comma-separated) SECONDS SETTLE
// Prints one JSON line.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_FLAGS } from '../../dist/daemon/detach.js';
import { killGroup, makeTempDir, readDaemonProc, sleep, startDaemon, writeTasksFile } from '../lib.js';

const [sizesArg = '10000', secondsArg = '60', settleArg = '15'] = process.argv.slice(2);
const sizes = sizesArg.split(',').map(Number);
const [seconds, settle] = [secondsArg, settleArg].map(Number);
const HOLDER = fileURLToPath(new URL('./idle-holder.js', import.meta.url));
const LOAD_TIMEOUT_MS = 180_000;

/** A library subject in its own process; resolves once it printed `ready`. */
function startHolder(subject, n) {
  const started = performance.now();
  const child = spawn(process.execPath, [HOLDER, subject, String(n)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child.pid, 'SIGKILL');
      reject(new Error(`${subject} ${n}: not loaded after ${LOAD_TIMEOUT_MS / 1000} s`));
    }, LOAD_TIMEOUT_MS);
    createInterface({ input: child.stdout }).once('line', () => {
      clearTimeout(timer);
      resolve({
        pid: child.pid,
        loadMs: performance.now() - started,
        stop: async () => killGroup(child.pid, 'SIGKILL'),
      });
    });
    child.once('exit', (code, signal) => {
      // Say why in a few words: V8's "JavaScript heap out of memory" is the usual reason.
      const reason =
        /heap out of memory|Allocation failed[^\n]*/i.exec(stderr)?.[0] ?? stderr.trim().split('\n').pop() ?? '';
      reject(
        new Error(
          `${subject} ${n} died while loading (${signal ?? `exit ${code}`}${reason === '' ? '' : `: ${reason}`})`,
        ),
      );
    });
  });
}

/** The daemon with N far shell tasks from a tasks file. */
async function startIdleDaemon(n) {
  const temp = makeTempDir();
  const file = writeTasksFile({ dir: temp.dir, total: n });
  const daemon = await startDaemon({ configPath: file.path, socket: file.socket, nodeFlags: DAEMON_NODE_FLAGS });
  return {
    pid: daemon.pid,
    loadMs: daemon.readyMs,
    stop: async () => {
      await daemon.stop();
      temp.remove();
    },
  };
}

const jobs = [{ subject: 'bare', n: 0, start: () => startHolder('bare', 0) }];
for (const n of sizes) {
  jobs.push({ subject: 'taskkit', n, start: () => startHolder('taskkit', n) });
  jobs.push({ subject: 'taskkit-daemon', n, start: () => startIdleDaemon(n) });
  for (const peer of ['node-cron', 'croner', 'toad'])
    jobs.push({ subject: peer, n, start: () => startHolder(peer, n) });
}

// Two loads at a time; a subject that fails to load is reported, not fatal.
const queue = [...jobs];
const loadOne = async () => {
  for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
    try {
      job.handle = await job.start();
    } catch (error) {
      job.error = error.message;
    }
  }
};
await Promise.all([loadOne(), loadOne()]);
await sleep(settle * 1000);

const live = jobs.filter((job) => job.handle !== undefined);
const before = new Map(live.map((job) => [job, readDaemonProc(job.handle.pid)]));
const wallBefore = performance.now();
await sleep(seconds * 1000);
const wallMs = performance.now() - wallBefore;
const results = jobs.map((job) => {
  if (job.handle === undefined) return { subject: job.subject, n: job.n, error: job.error };
  const after = readDaemonProc(job.handle.pid);
  const start = before.get(job);
  return {
    subject: job.subject,
    n: job.n,
    loadMs: job.handle.loadMs,
    // A daemon's with its spawner's (lib.js readDaemonProc).
    cpuPercent: ((after.cpuNs - start.cpuNs) / 1e6 / wallMs) * 100,
    wakesPerMin: ((after.wakes - start.wakes) / wallMs) * 60_000,
    rssMb: after.rssMb,
  };
});
await Promise.all(live.map((job) => job.handle.stop()));
console.log(JSON.stringify({ seconds, settle, results }));
