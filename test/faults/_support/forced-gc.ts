/**
 * The daemon's live memory after a full GC, read from outside through Node's own inspector, so that
 * a leak check compares what survives a collection rather than when V8 chose to collect (RSS rises
 * by ~30 MiB of garbage between two full GCs under load, and a 20 s window holds at most one).
 *
 * The daemon is started with `NODE_OPTIONS=--inspect-port=0 --expose-gc` (`INSPECTABLE_ENV`): nothing
 * listens until SIGUSR1, which opens the inspector on a free loopback port and logs its address to
 * the daemon's stderr (its log file). A child node then evaluates `gc()` (one full, compacting GC)
 * and `process.memoryUsage()` in the daemon's main context. No hook in taskkit. (The inspector's
 * `HeapProfiler.collectGarbage` was not used: it collects up to seven times and drops compiled code.)
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitUntil } from '../../support/process-state.js';
import { readRss } from './resource-proc.js';

/** The environment that makes a daemon inspectable on SIGUSR1 (a free port; nothing listens before). */
export const INSPECTABLE_ENV: Record<string, string> = { NODE_OPTIONS: '--inspect-port=0 --expose-gc' };

export interface MemoryAfterGc {
  /** V8 heap in use after the GC, bytes. */
  readonly heapUsed: number;
  /** Memory of C++ objects bound to JS (Buffers and the like), bytes. */
  readonly external: number;
  /** VmRSS right after, bytes. */
  readonly rss: number;
}

/** Connects to the inspector at argv[1], forces a full GC, prints process.memoryUsage() as JSON. */
const CLIENT = `
const socket = new WebSocket(process.argv[1]);
const expression = 'gc(); JSON.stringify(process.memoryUsage())';
socket.onopen = () => socket.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression } }));
socket.onmessage = (event) => {
  const message = JSON.parse(String(event.data));
  if (message.id !== 1) return;
  const value = message.result?.result?.value;
  if (typeof value !== 'string') { console.error(JSON.stringify(message)); process.exit(1); }
  console.log(value);
  process.exit(0);
};
socket.onerror = (event) => { console.error(String(event.message ?? event)); process.exit(1); };
`;

const LISTENING = /Debugger listening on (ws:\/\/[^\s]+)/g;

/** The inspector's address from the daemon's log (the latest one), opening it with SIGUSR1 if needed. */
async function inspectorUrl(pid: number, logFile: string): Promise<string> {
  const latest = (): string | undefined => [...readFileSync(logFile, 'utf8').matchAll(LISTENING)].at(-1)?.[1];
  if (latest() === undefined) {
    process.kill(pid, 'SIGUSR1');
    await waitUntil(() => latest() !== undefined, 10_000, `the inspector of pid ${pid} to listen`);
  }
  return latest() ?? '';
}

/** Force a full GC in `pid` (started with INSPECTABLE_ENV, logging to `logFile`) and read its memory. */
export async function memoryAfterFullGc(pid: number, logFile: string): Promise<MemoryAfterGc> {
  const url = await inspectorUrl(pid, logFile);
  // Node 22 has a global WebSocket; Node 20 (>= 20.10) behind a flag.
  const flags = typeof globalThis.WebSocket === 'function' ? [] : ['--experimental-websocket'];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [...flags, '--no-warnings', '-e', CLIENT, url],
      { env: { PATH: process.env['PATH'] }, timeout: 30_000 },
      (error, out, err) => (error === null ? resolve(out) : reject(new Error(`${error.message}\n${err}`))),
    );
  });
  const usage = JSON.parse(stdout) as { heapUsed: number; external: number };
  return { heapUsed: usage.heapUsed, external: usage.external, rss: readRss(pid) ?? NaN };
}
