/**
 * The daemon's spawner (runner/spawner-client.ts, spawner-main.ts, spawned-run.ts) with real
 * processes: the run starts in its own group and the pid comes later, output is kept as process.ts
 * keeps it, timeout and kill-after signal the group from here, a stop asked before the pid is sent
 * when it comes, start faults are worded as before, and a spawner killed mid-run ends the run
 * `interrupted` with its group killed, and is replaced. Every process started is killed by pid.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { isGroupAlive } from '../../src/runner/kill-tree.js';
import { defaultRunClock } from '../../src/runner/lifecycle.js';
import { startSpawnedRun } from '../../src/runner/spawned-run.js';
import { startSpawner, type Spawner } from '../../src/runner/spawner-client.js';
import type { RunHandle } from '../../src/runner/types.js';
import { isAlive, waitUntil } from '../support/process-state.js';
import {
  argvAction,
  createOutputRecorder,
  createProcessRequest,
  createProcessTracker,
  shellAction,
  type RequestOptions,
} from './_process-run.js';

const tracker = createProcessTracker();
const logged: string[] = [];
let spawner: Spawner;

beforeAll(() => {
  spawner = startSpawner({ log: (level, message) => void logged.push(`${level} ${message}`) });
});
afterAll(() => spawner.close());
afterEach(() => tracker.killAll());

/** Start a run through the spawner; its pid once told. */
function start(
  options: RequestOptions,
  listener = createOutputRecorder().listener,
): RunHandle & { pidTold: Promise<number> } {
  const handle = startSpawnedRun(createProcessRequest(options), listener, defaultRunClock(), spawner);
  const pidTold = new Promise<number>((resolve) => handle.whenPid?.(resolve));
  void pidTold.then((pid) => tracker.trackPid(-pid));
  tracker.track(handle);
  return Object.assign(handle, { pidTold });
}

describe('runs through the spawner', () => {
  test('starts in its own process group; the pid comes later; output and exit come back', async () => {
    const output = createOutputRecorder();
    const run = start({ action: shellAction('echo out; echo err >&2; exit 3') }, output.listener);
    expect(run.pid).toBeNull();
    const pid = await run.pidTold;
    expect(run.pid).toBe(pid);
    const outcome = await run.done;
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 3, signal: null, error: null, stop: null });
    expect(String(outcome.output).split('\n').sort()).toEqual(['', 'err', 'out']);
    expect(output.text().split('\n').sort()).toEqual(['', 'err', 'out']);
    expect(outcome.outputBytes).toBe(8);
  });

  test('the pid, held to go with the exit, still comes before the output and before the end', async () => {
    // The spawner holds a pid up to PID_HOLD_MS (spawner-main.ts): a quick run's pid, output and
    // exit go out in one write. Each of 5 runs must still tell its pid before its first chunk of
    // output (the daemon's order per run) and before its end (after it the run is forgotten).
    for (let i = 0; i < 5; i++) {
      let pidAtFirstChunk: number | null | undefined;
      const run = start({ action: shellAction('echo out'), trigger: 'schedule' }, () => (pidAtFirstChunk ??= run.pid));
      let pidAtEnd: number | null = null;
      void run.done.then(() => (pidAtEnd = run.pid));
      const pid = await run.pidTold;
      const outcome = await run.done;
      expect(outcome).toMatchObject({ status: 'succeeded', exitCode: 0 });
      expect(pidAtFirstChunk).toBe(pid);
      expect(pidAtEnd).toBe(pid);
    }
    // A run that goes on past the hold tells its pid while it runs.
    const long = start({ action: shellAction('sleep 30'), trigger: 'schedule' });
    await long.pidTold;
    expect(isGroupAlive(long.pid ?? 0)).toBe(true);
  });

  test("a manual run's pid is told at once, not held for its exit: run-now answers with it", async () => {
    // Both spawned in one turn of the spawner's loop: the held pid can only go out in a later turn
    // (its hold timer or its exit), the manual run's goes out in this one, so it comes first.
    const order: string[] = [];
    let held!: ReturnType<typeof start>;
    let manual!: ReturnType<typeof start>;
    spawner.together(() => {
      held = start({ action: shellAction('sleep 30'), trigger: 'schedule' });
      manual = start({ action: shellAction('sleep 30'), trigger: 'manual' });
    });
    void held.pidTold.then(() => order.push('scheduled'));
    void manual.pidTold.then(() => order.push('manual'));
    await Promise.all([held.pidTold, manual.pidTold]);
    expect(order).toEqual(['manual', 'scheduled']);
  });

  test("the environment and the working directory are the run's", async () => {
    const run = start({ action: shellAction('echo "$TASKKIT_RUN_ID $FOO $(pwd)"'), env: { FOO: 'bar' }, cwd: '/tmp' });
    const outcome = await run.done;
    expect([outcome.status, String(outcome.output)]).toEqual(['succeeded', '7 bar /tmp\n']);
  });

  test('output beyond the limit: head and tail kept, the byte count exact', async () => {
    const run = start({
      action: shellAction('head -c 300000 /dev/zero | tr "\\0" x; echo end'),
      outputLimitBytes: 1000,
    });
    const outcome = await run.done;
    expect(outcome).toMatchObject({ status: 'succeeded', outputTruncated: true, outputBytes: 300_004 });
    expect(String(outcome.output)).toMatch(/^x{500}\n\[taskkit: 299004 bytes dropped\]\nx{496}end\n$/);
  });

  test('start faults are worded as process.ts words them', async () => {
    const missing = await start({ action: argvAction('/nonexistent/tool') }).done;
    expect([missing.status, missing.error]).toEqual(['failed', 'command not found: /nonexistent/tool']);
    const cwd = await start({ action: shellAction('true'), cwd: '/nonexistent-dir' }).done;
    expect([cwd.status, cwd.error]).toEqual(['failed', 'working directory does not exist: /nonexistent-dir']);
    // The spawner checks the working directory only after the spawn failed (its chdir): the same words.
    const file = fileURLToPath(import.meta.url);
    const notDir = await start({ action: shellAction('true'), cwd: file }).done;
    expect([notDir.status, notDir.error]).toEqual(['failed', `working directory is not a directory: ${file}`]);
  });

  test('timeout and kill-after signal the whole group from the daemon', async () => {
    const run = start({
      action: shellAction('trap "" TERM; sleep 30 & sleep 30; wait'),
      timeoutMs: 300,
      killAfterMs: 300,
    });
    const pid = await run.pidTold;
    const outcome = await run.done;
    expect(outcome.status).toBe('timed-out');
    expect(outcome.stop).toMatchObject({ cause: 'timeout', signals: ['SIGTERM', 'SIGKILL'] });
    await waitUntil(() => !isGroupAlive(pid), 2_000, 'the group to be gone');
  });

  test('a cancel before the pid is known is delivered when it comes', async () => {
    const run = start({ action: shellAction('sleep 30'), killAfterMs: 5_000 });
    run.cancel('cancel');
    expect(run.pid).toBeNull();
    const pid = await run.pidTold;
    const outcome = await run.done;
    expect(outcome).toMatchObject({ status: 'cancelled', signal: 'SIGTERM' });
    expect(outcome.stop).toMatchObject({ cause: 'cancel', signals: ['SIGTERM'] });
    expect(isGroupAlive(pid)).toBe(false);
  });

  test('a cancel after the pid: SIGTERM to the group', async () => {
    const run = start({ action: shellAction('sleep 30'), killAfterMs: 5_000 });
    const pid = await run.pidTold;
    run.cancel('cancel');
    const outcome = await run.done;
    expect(outcome).toMatchObject({ status: 'cancelled', signal: 'SIGTERM' });
    expect(isGroupAlive(pid)).toBe(false);
  });

  test('a run that ends leaves its background children and does not wait for their pipes', async () => {
    const run = start({ action: shellAction('sleep 30 & echo done') });
    const pid = await run.pidTold;
    const started = Date.now();
    const outcome = await run.done;
    expect([outcome.status, String(outcome.output)]).toEqual(['succeeded', 'done\n']);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(isGroupAlive(pid)).toBe(true);
  });
});

describe('the spawner dies', () => {
  test('kill -9 mid-run: the run ends interrupted, its group killed; a new spawner runs the next', async () => {
    const output = createOutputRecorder();
    const run = start({ action: shellAction('echo before; sleep 30') }, output.listener);
    const pid = await run.pidTold;
    await output.waitFor('before');
    const first = spawner.pid as number;
    process.kill(first, 'SIGKILL');
    const outcome = await run.done;
    expect(outcome.status).toBe('interrupted');
    expect(outcome.error).toBe(
      `taskkit-spawner (pid ${first}) was killed by SIGKILL during the run; ` +
        `its process group ${pid} was killed (SIGKILL)`,
    );
    expect(String(outcome.output)).toBe('before\n');
    await waitUntil(() => !isGroupAlive(pid), 2_000, 'the group to be gone');
    expect(logged).toContain(
      `error taskkit-spawner (pid ${first}) was killed by SIGKILL; 1 run(s) in flight are ended as interrupted; ` +
        'starting a new one',
    );
    const next = await start({ action: shellAction('echo again') }).done;
    expect([next.status, String(next.output)]).toEqual(['succeeded', 'again\n']);
    expect(spawner.pid).not.toBe(first);
    expect(isAlive(first)).toBe(false);
  });

  test('closed: the spawner exits; a run asked after is lost at once', async () => {
    const own = startSpawner();
    const pid = own.pid as number;
    own.close();
    await waitUntil(() => !isAlive(pid), 5_000, 'the spawner to exit');
    const handle = startSpawnedRun(
      createProcessRequest({ action: shellAction('true') }),
      undefined,
      defaultRunClock(),
      own,
    );
    expect(await handle.done).toMatchObject({ status: 'interrupted' });
  });
});

describe('a frozen spawner (kill -STOP) is found out by its silence', () => {
  const frozenLog: string[] = [];
  let watched: Spawner;
  const stopped: number[] = [];
  beforeAll(() => {
    watched = startSpawner({
      log: (level, message) => void frozenLog.push(`${level} ${message}`),
      pingEveryMs: 100,
      silentLimitMs: 800,
    });
  });
  afterAll(() => {
    watched.close();
    for (const pid of stopped) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  function startWatched(options: RequestOptions, listener = createOutputRecorder().listener): RunHandle {
    const handle = startSpawnedRun(createProcessRequest(options), listener, defaultRunClock(), watched);
    handle.whenPid?.((pid) => tracker.trackPid(-pid));
    tracker.track(handle);
    return handle;
  }

  const freeze = (): number => {
    const pid = watched.pid as number;
    stopped.push(pid);
    process.kill(pid, 'SIGSTOP');
    return pid;
  };
  const silence = String.raw`did not answer for \d+\.\d s \(stopped or hung\) and was killed \(SIGKILL\)`;

  test('a quiet run longer than the limit is not taken for a freeze: the spawner answers the pings', async () => {
    const first = watched.pid;
    const outcome = await startWatched({ action: shellAction('sleep 2') }).done;
    expect(outcome.status).toBe('succeeded');
    expect(watched.pid).toBe(first);
    expect(frozenLog).toEqual([]);
  });

  test('frozen mid-run: killed, the run interrupted with its group killed, a new spawner runs the next', async () => {
    const output = createOutputRecorder();
    const run = startWatched({ action: shellAction('echo before; sleep 30') }, output.listener);
    const pid = await new Promise<number>((resolve) => run.whenPid?.(resolve));
    await output.waitFor('before');
    const first = freeze();
    const outcome = await run.done;
    expect(outcome.status).toBe('interrupted');
    expect(outcome.error).toMatch(
      new RegExp(`^taskkit-spawner \\(pid ${first}\\) ${silence} during the run; its process group ${pid} was killed`),
    );
    await waitUntil(() => !isAlive(first), 2_000, 'the stopped spawner to be killed');
    expect(frozenLog[0]).toMatch(
      new RegExp(
        `^error taskkit-spawner \\(pid ${first}\\) ${silence}; 1 run\\(s\\) in flight are ended as interrupted`,
      ),
    );
    const next = await startWatched({ action: shellAction('echo again') }).done;
    expect([next.status, String(next.output)]).toEqual(['succeeded', 'again\n']);
    expect(watched.pid).not.toBe(first);
  });

  test('frozen while idle: the run asked of it ends interrupted (never started), the next one starts', async () => {
    const first = freeze();
    const outcome = await startWatched({ action: shellAction('echo never') }).done;
    expect(outcome.status).toBe('interrupted');
    expect(outcome.error).toMatch(new RegExp(`^taskkit-spawner \\(pid ${first}\\) ${silence} before it told`));
    const next = await startWatched({ action: shellAction('echo again') }).done;
    expect([next.status, String(next.output)]).toEqual(['succeeded', 'again\n']);
  });
});
