/** A streamed request (run-now --wait, logs --follow) that Ctrl-C detaches from. */
import type { ControlClient, OnEventResult } from '../control/client.js';
import type { EventOf, MethodName, ParamsOf, ResultOf } from '../control/protocol.js';
import type { CliIo } from './io.js';

export type DetachableResult<M extends MethodName> =
  { readonly detached: false; readonly result: ResultOf<M> } | { readonly detached: true };

/**
 * Stream `method` to its final reply. Ctrl-C closes the connection only: the daemon keeps the
 * run going (protocol: a client that disconnects does not cancel it), and the caller says so.
 * The connection is closed on every way out.
 */
export async function streamDetachable<M extends MethodName>(
  io: CliIo,
  client: ControlClient,
  method: M,
  params: ParamsOf<M>,
  onEvent: (event: EventOf<M>) => OnEventResult,
): Promise<DetachableResult<M>> {
  let detached = false;
  const detach = (): void => {
    detached = true;
    client.close();
  };
  io.process?.once('SIGINT', detach);
  try {
    return { detached: false, result: await client.stream(method, params, onEvent) };
  } catch (error) {
    if (detached) return { detached: true };
    throw error;
  } finally {
    io.process?.off('SIGINT', detach);
    client.close();
  }
}
