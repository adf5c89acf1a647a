/**
 * Shared by the process-runner tests (not a test file: the glob wants *.test.ts): requests for
 * shell and argv tasks, the fixture programs, and cleanup of every process a test started, by pid.
 */
import { makeTask } from '../support/task-spec.js';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskAction } from '../../src/config/types.js';
import type { OutputListener, OutputStream, RunHandle, RunRequest } from '../../src/runner/types.js';

const FIXTURE_BIN = fileURLToPath(new URL('../fixtures/bin/', import.meta.url));

/** `[node, <fixture>, ...args]`: the argv of a fixture program. */
export function fixtureArgv(name: string, ...args: string[]): [string, ...string[]] {
  return [process.execPath, join(FIXTURE_BIN, name), ...args];
}

export interface RequestOptions {
  readonly action: Extract<TaskAction, { kind: 'shell' | 'argv' }>;
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number | null;
  readonly killAfterMs?: number;
  readonly outputLimitBytes?: number;
  readonly scheduledAt?: number | null;
  /** 'manual' unless given (a manual run's pid is told at once by the spawner, not held). */
  readonly trigger?: RunRequest['trigger'];
}

/** A shell action run by /bin/sh. */
export function shellAction(script: string): RequestOptions['action'] {
  return { kind: 'shell', script, shell: '/bin/sh' };
}

/** An argv action. */
export function argvAction(...argv: [string, ...string[]]): RequestOptions['action'] {
  return { kind: 'argv', argv };
}

/** A RunRequest for a process task with the documented defaults unless overridden. */
export function createProcessRequest(options: RequestOptions): RunRequest {
  const task = makeTask('proc-task', {
    action: options.action,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    timeoutMs: options.timeoutMs ?? null,
    killAfterMs: options.killAfterMs ?? 10_000,
  });
  return {
    runId: 7,
    task,
    trigger: options.trigger ?? 'manual',
    scheduledAt: options.scheduledAt ?? null,
    attempt: 1,
    outputLimitBytes: options.outputLimitBytes ?? 256 * 1024,
    handle: { setPeriod: () => undefined, runOnCompletion: () => undefined, hold: () => undefined },
  };
}

/** Pids (and process groups) to SIGKILL after each test, whatever the test managed to do. */
export function createProcessTracker(): {
  track(handle: RunHandle): RunHandle;
  trackPid(pid: number): void;
  killAll(): Promise<void>;
} {
  const groups = new Set<number>();
  const pids = new Set<number>();
  const handles: RunHandle[] = [];
  return {
    track(handle) {
      if (handle.pid !== null) groups.add(handle.pid);
      handles.push(handle);
      return handle;
    },
    trackPid: (pid) => void pids.add(pid),
    async killAll() {
      for (const pid of groups) tryKill(-pid);
      for (const pid of pids) tryKill(pid);
      // The runs end once their leaders die; waiting keeps one test's processes out of the next.
      await Promise.all(handles.splice(0).map((handle) => handle.done));
      groups.clear();
      pids.clear();
    },
  };
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
import { isAlive, waitUntil } from '../support/process-state.js';

export { isAlive, waitUntil };

/** An OutputListener that keeps a copy of every chunk and its stream, and lets a test wait for some text to appear. */
export function createOutputRecorder(): {
  chunks: { bytes: Buffer; stream: OutputStream }[];
  listener: OutputListener;
  text(): string;
  waitFor(text: string): Promise<void>;
} {
  const chunks: { bytes: Buffer; stream: OutputStream }[] = [];
  const text = (): string => Buffer.concat(chunks.map((chunk) => chunk.bytes)).toString('utf8');
  return {
    chunks,
    listener: (bytes, stream) => void chunks.push({ bytes: Buffer.from(bytes), stream }),
    text,
    waitFor: (wanted) => waitUntil(() => text().includes(wanted), 10_000, JSON.stringify(wanted)),
  };
}

/** A fresh temp directory (realpath, so it compares equal to what a child's cwd reports). */
export function createTempDir(): { path: string; remove(): void } {
  const path = realpathSync(mkdtempSync(join(tmpdir(), 'taskkit-runner-')));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
