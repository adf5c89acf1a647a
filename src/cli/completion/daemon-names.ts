/**
 * The daemon's task names for shell completion, if a daemon answers at once. Used by
 * `__complete tasks` through commander (words.ts) and through the fast path (fast-path.ts).
 */
import { connectEager, type RequestClient } from '../../control/client.js';
import { ControlError } from '../../control/protocol.js';

/**
 * The user is waiting at the prompt: a daemon that does not accept within this is treated as
 * absent (a live local socket accepts in well under 10 ms).
 */
export const COMPLETION_CONNECT_TIMEOUT_MS = 300;
/** A busy daemon may take a moment to list; longer than this and the file is read instead. */
export const COMPLETION_REQUEST_TIMEOUT_MS = 1_000;

/** null when no daemon answers (quickly) on `socket`. */
export async function askDaemonForNames(socket: string): Promise<string[] | null> {
  let client: RequestClient | undefined;
  try {
    // `names` goes out behind hello (a round trip less); hello not answered in time fails it too.
    client = (await connectEager({ socket, timeoutMs: COMPLETION_CONNECT_TIMEOUT_MS })).client;
    return await requestNames(client);
  } catch {
    return null;
  } finally {
    client?.close();
  }
}

/**
 * `names`: the names alone (1,000 tasks: ~12 kB where `list`'s views are ~450 kB to build, send and
 * parse); a daemon older than the method answers BAD_REQUEST, and its `list` is asked instead.
 */
async function requestNames(client: RequestClient): Promise<string[]> {
  const options = { timeoutMs: COMPLETION_REQUEST_TIMEOUT_MS };
  try {
    return await client.request('names', {}, options);
  } catch (error) {
    if (!(error instanceof ControlError) || error.code !== 'BAD_REQUEST') throw error;
    return (await client.request('list', {}, options)).map((task) => task.name);
  }
}
