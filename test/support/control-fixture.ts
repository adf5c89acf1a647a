/**
 * Control-socket tests: a real control server on a socket in a temp dir, over a real engine
 * Scheduler (fake clock, fake runner), a fake DaemonControl, and raw line-level clients.
 * Everything opened here is closed by `closeAll()` (call it in afterEach).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskSpec } from '../../src/config/types.js';
import { connectControl, type ConnectOptions, type ControlClient } from '../../src/control/client.js';
import type { Answer } from '../../src/control/answer.js';
import { createHandlers, type DaemonControl } from '../../src/control/handlers.js';
import type { DaemonInfo } from '../../src/control/status.js';
import { PROTOCOL_VERSION, type ReloadSummaryView } from '../../src/control/protocol.js';
import { listenControl, type ControlServer, type ControlServerOptions } from '../../src/control/server.js';
import type { RunRecord } from '../../src/engine/run.js';
import type { SchedulerOptions } from '../../src/engine/scheduler.js';
import { createEngine, type EngineFixture } from './engine-task.js';

const cleanups: (() => unknown)[] = [];

/** Run every cleanup registered since the last call, newest first. */
export async function closeAll(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** A fresh temp dir (short: socket paths are limited to 107 bytes), removed by closeAll. */
export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tk-ctl-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface FakeDaemon extends DaemonControl {
  stops: number;
  reloadResult: () => Promise<ReloadSummaryView>;
  /** Unset: the handlers fall back to the last run; tests may assign one. */
  recentRuns?: (task: string, limit: number) => Answer<readonly RunRecord[]>;
}

export interface ControlFixture extends EngineFixture {
  readonly dir: string;
  readonly socket: string;
  readonly server: ControlServer;
  readonly daemon: FakeDaemon;
  /** A client that said hello (closed by closeAll). */
  connect(options?: Partial<ConnectOptions>): Promise<ControlClient>;
  /** A raw socket client (closed by closeAll). */
  raw(): Promise<RawClient>;
}

export const DAEMON_STARTED_AT = Date.parse('2026-03-01T11:00:00Z');

/** A server over an engine at `start` holding `tasks`. */
export async function startControl(
  tasks: readonly TaskSpec[],
  options: {
    start?: string;
    server?: Partial<ControlServerOptions>;
    socket?: string;
    engine?: Partial<SchedulerOptions>;
  } = {},
): Promise<ControlFixture> {
  const engine = createEngine(options.start ?? '2026-03-01T12:00:00Z', options.engine);
  for (const task of tasks) engine.scheduler.add(task);
  engine.scheduler.start();
  const dir = makeTempDir();
  const socket = options.socket ?? join(dir, 'run', 'taskkit.sock');
  const info: DaemonInfo = {
    pid: 4242,
    spawnerPid: 4243,
    startedAt: DAEMON_STARTED_AT,
    configPath: '/etc/tasks.yaml',
    socket,
    stateDir: '/var/lib/taskkit',
    defaultTimezone: 'UTC',
  };
  const daemon: FakeDaemon = {
    stops: 0,
    reloadResult: () => Promise.resolve({ added: [], changed: [], removed: [], unchanged: [] }),
    info: () => info,
    reload: () => daemon.reloadResult(),
    stop: () => {
      daemon.stops++;
    },
  };
  const server = await listenControl({
    socket,
    dispatcher: createHandlers({ scheduler: engine.scheduler, daemon, now: () => engine.clock.now() }),
    ...options.server,
  });
  cleanups.push(() => server.close());
  return {
    ...engine,
    dir,
    socket,
    server,
    daemon,
    connect: async (connectOptions = {}) => {
      const client = await connectControl({ socket, ...connectOptions });
      cleanups.push(() => client.close());
      return client;
    },
    raw: () => openRaw(socket),
  };
}

/** A line-level client: send raw text or objects, read replies one by one. */
export interface RawClient {
  readonly socket: Socket;
  send(message: unknown): void;
  /** Write raw text (no newline added). */
  write(text: string | Buffer): void;
  /** The next line from the server, parsed (rejects if the connection closes first). */
  next(): Promise<Record<string, unknown>>;
  /** Resolves when the server closes the connection. */
  readonly closed: Promise<void>;
  /** hello with the current version; resolves with the reply. */
  hello(): Promise<Record<string, unknown>>;
  /** Lines received and not yet taken by next(). */
  readonly buffered: Record<string, unknown>[];
}

export function openRaw(path: string): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    cleanups.push(() => socket.destroy());
    const buffered: Record<string, unknown>[] = [];
    const waiting: { resolve: (line: Record<string, unknown>) => void; reject: (error: Error) => void }[] = [];
    let rest = '';
    let ended = false;
    let onClosed: () => void = () => {};
    const closed = new Promise<void>((res) => (onClosed = res));
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      rest += text;
      for (let newline = rest.indexOf('\n'); newline !== -1; newline = rest.indexOf('\n')) {
        const line = JSON.parse(rest.slice(0, newline)) as Record<string, unknown>;
        rest = rest.slice(newline + 1);
        const waiter = waiting.shift();
        if (waiter !== undefined) waiter.resolve(line);
        else buffered.push(line);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      ended = true;
      for (const waiter of waiting.splice(0)) waiter.reject(new Error('connection closed'));
      onClosed();
    });
    socket.once('connect', () => {
      const client: RawClient = {
        socket,
        buffered,
        closed,
        send: (message) => socket.write(`${JSON.stringify(message)}\n`),
        write: (text) => socket.write(text),
        next: () => {
          const line = buffered.shift();
          if (line !== undefined) return Promise.resolve(line);
          if (ended) return Promise.reject(new Error('connection closed'));
          return new Promise((res, rej) => waiting.push({ resolve: res, reject: rej }));
        },
        hello: () => {
          client.send({ id: 0, method: 'hello', params: { version: PROTOCOL_VERSION, client: 'test' } });
          return client.next();
        },
      };
      resolve(client);
    });
    socket.once('error', reject);
  });
}
