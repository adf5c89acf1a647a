/**
 * `run:` and `command:` notifiers, and the `sendmail` of `mail:` (issue 16.1): one process in its
 * own process group, the alert on stdin, exit 0 = delivered. A notifier that outlives its timeout,
 * or a daemon that stops, kills the whole group (runner/kill-tree.ts): a hung notifier holds one
 * delivery slot for at most the timeout, never the engine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { describeError } from '../../engine/launch.js';
import { signalProcessGroup } from '../../runner/kill-tree.js';
import { formatDuration } from '../../schedule/duration.js';

/** How long a notifier process may take before its group is killed. */
export const NOTIFIER_TIMEOUT_MS = 60_000;

/** How long output is still read after the notifier exited. */
const DRAIN_MS = 100;

/** What the failure message quotes of the notifier's own output (its last bytes). */
const OUTPUT_QUOTED_BYTES = 512;

export interface NotifierProcess {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** Written to its stdin, which is then closed. */
  readonly stdin: Buffer;
  readonly timeoutMs: number;
  /** Aborted when the daemon stops: the group is killed and the result is `aborted`. */
  readonly signal: AbortSignal;
}

/** null = delivered; else why not. `aborted`: the daemon stopped it (the delivery stays pending). */
export type NotifierResult = { readonly ok: true } | { readonly ok: false; readonly error: string; aborted?: boolean };

/** Run one notifier process to its end; never rejects. */
export function runNotifierProcess(options: NotifierProcess): Promise<NotifierResult> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(options.file, [...options.args], {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      resolve({ ok: false, error: `could not start ${options.file}: ${describeError(error)}` });
      return;
    }
    let tail = Buffer.alloc(0);
    const keep = (chunk: Buffer): void => {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > OUTPUT_QUOTED_BYTES) tail = tail.subarray(tail.length - OUTPUT_QUOTED_BYTES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // A notifier that does not read its stdin closes the pipe early: EPIPE is no failure of ours.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.stdin);

    let settled = false;
    const finish = (result: NotifierResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      // Background children may keep the pipes open: they are not waited for (as a run's are not).
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve(result);
    };
    const kill = (): void => {
      if (child.pid !== undefined) signalProcessGroup(child.pid, 'SIGKILL');
    };
    const timer = setTimeout(() => {
      kill();
      finish({
        ok: false,
        error: `timed out after ${formatDuration(options.timeoutMs)}; its process group was killed`,
      });
    }, options.timeoutMs);
    const onAbort = (): void => {
      kill();
      finish({ ok: false, error: 'the daemon stopped during the delivery', aborted: true });
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort);

    child.on('error', (error) => finish({ ok: false, error: `could not start ${options.file}: ${error.message}` }));
    const ended = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (code === 0) return finish({ ok: true });
      const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}`;
      const said = tail.toString('utf8').trim();
      finish({ ok: false, error: said === '' ? how : `${how}: ${said}` });
    };
    // 'close' once the pipes are drained (the last output is quoted in the error); a background
    // child holding them open gets DRAIN_MS after the notifier itself exited.
    child.on('close', ended);
    child.on('exit', (code, signal) => setTimeout(() => ended(code, signal), DRAIN_MS).unref());
  });
}
