/**
 * Where the daemon's socket is, found without yaml: --socket, then $TASKKIT_SOCKET, then a plain
 * `settings:` block of the tasks file (socket-from-file.ts), else the defaults when the file
 * cannot be read. Only a settings block yaml must read is left to connect.ts (config/partial-read.ts).
 * The fast path (fast-path.ts) and connect.ts both start here, so both find the same socket.
 */
import { resolve } from 'node:path';
import { connectControl, connectEager, type ControlClient, type RequestClient } from '../control/client.js';
import { TaskkitError } from '../errors.js';
import type { GlobalOptions } from './context.js';
import type { CliIo } from './io.js';
import type { SocketChoice } from './socket-from-file.js';

export type { SocketChoice };

/** The socket, or undefined when only yaml can read the tasks file's settings block. */
export async function quickSocketChoice(io: CliIo, globals: GlobalOptions): Promise<SocketChoice | undefined> {
  const given = givenSocket(io, globals);
  if (given !== undefined) return { socket: given, fileProblem: null };
  return (await import('./socket-from-file.js')).socketFromPlainSettings(io, globals);
}

/** Connect (hello included); DAEMON_UNREACHABLE with the path, and why the file did not say, if it did not. */
export async function connectChosen(choice: SocketChoice): Promise<ControlClient> {
  try {
    return await connectControl({ socket: choice.socket });
  } catch (error) {
    throw explainUnreachable(choice, error);
  }
}

/**
 * connectChosen without waiting for hello's answer (connectEager: the fast path's requests go out
 * behind it, a round trip less); a request answers hello's failure, explained as connectChosen does.
 */
export async function connectChosenEager(choice: SocketChoice): Promise<RequestClient> {
  let opened: Awaited<ReturnType<typeof connectEager>>;
  try {
    opened = await connectEager({ socket: choice.socket });
  } catch (error) {
    throw explainUnreachable(choice, error);
  }
  const { client, hello } = opened;
  if (choice.fileProblem === null) return client;
  const helloError = hello.then(
    () => null,
    (error: unknown) => error,
  );
  const explained = async <T>(reply: Promise<T>): Promise<T> => {
    try {
      return await reply;
    } catch (error) {
      throw error === (await helloError) ? explainUnreachable(choice, error) : error;
    }
  };
  return {
    ...client,
    request: (method, params, options) => explained(client.request(method, params, options)),
    stream: (method, params, onEvent, options) => explained(client.stream(method, params, onEvent, options)),
  };
}

/** DAEMON_UNREACHABLE, and why the tasks file did not say where the socket is when it did not; else `error`. */
function explainUnreachable(choice: SocketChoice, error: unknown): unknown {
  if (error instanceof TaskkitError && error.code === 'DAEMON_UNREACHABLE' && choice.fileProblem !== null) {
    return new TaskkitError(
      'DAEMON_UNREACHABLE',
      `${error.message} (the default socket: the tasks file did not say, ${choice.fileProblem})`,
      { cause: error },
    );
  }
  return error;
}

/** --socket, then $TASKKIT_SOCKET (resolveSocketPath's first two sources, without loading it). */
export function givenSocket(io: CliIo, globals: GlobalOptions): string | undefined {
  const given = nonEmpty(globals.socket) ?? nonEmpty(io.env['TASKKIT_SOCKET']);
  return given === undefined ? undefined : resolve(io.cwd, given);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
