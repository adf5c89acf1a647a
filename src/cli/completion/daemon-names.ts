/**
 * The daemon's task names for shell completion, if a daemon answers at once. Used by
 * `__complete tasks` through commander (words.ts) and through the fast path (fast-path.ts).
 */
import { connectControl, type ControlClient } from '../../control/client.js';

/**
 * The user is waiting at the prompt: a daemon that does not accept within this is treated as
 * absent (a live local socket accepts in well under 10 ms).
 */
export const COMPLETION_CONNECT_TIMEOUT_MS = 300;
/** A busy daemon may take a moment to list; longer than this and the file is read instead. */
export const COMPLETION_REQUEST_TIMEOUT_MS = 1_000;

/** null when no daemon answers (quickly) on `socket`. */
export async function askDaemonForNames(socket: string): Promise<string[] | null> {
  let client: ControlClient | undefined;
  try {
    client = await connectControl({ socket, timeoutMs: COMPLETION_CONNECT_TIMEOUT_MS });
    const tasks = await client.request('list', {}, { timeoutMs: COMPLETION_REQUEST_TIMEOUT_MS });
    return tasks.map((task) => task.name);
  } catch {
    return null;
  } finally {
    client?.close();
  }
}
