/**
 * The daemon's signals (DESIGN.md "Daemon and control socket"): SIGHUP reloads the tasks file;
 * SIGTERM and SIGINT stop gracefully, and a second one kills running runs at once.
 */

export interface SignalActions {
  /** A stop signal; `again` is true from the second one on. */
  stop(signal: NodeJS.Signals, again: boolean): void;
  reload(): void;
}

/**
 * What the first stop's log line says a second one does (it cancels the running runs at once,
 * without the rest of the grace): on a terminal a Ctrl-C sent it, and another Ctrl-C is what the
 * user types; anywhere else (a log file, systemd) it was a signal, and so is the way to say "now".
 */
export function describeStopAgain(why: string, onTerminal: boolean): string {
  return why === 'SIGINT' && onTerminal ? 'press Ctrl-C again to stop now' : 'send SIGTERM again to kill them now';
}

/** Install the handlers on `proc`; returns the function that removes them. */
export function installSignalHandlers(proc: NodeJS.Process, actions: SignalActions): () => void {
  let stops = 0;
  const stop = (signal: NodeJS.Signals): void => actions.stop(signal, stops++ > 0);
  const reload = (): void => actions.reload();
  proc.on('SIGINT', stop).on('SIGTERM', stop).on('SIGHUP', reload);
  return () => {
    proc.off('SIGINT', stop).off('SIGTERM', stop).off('SIGHUP', reload);
  };
}
