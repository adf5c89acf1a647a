/**
 * The daemon's log: one line per event, timestamped, to stderr (foreground) or the log file.
 * Messages quote task names, error text and notes: a newline in them would forge a log line, so
 * control characters are escaped, as journalctl does (issue 15 point 14).
 */
import type { LogFunction } from '../engine/ports.js';
import { escapeControl } from '../escape-control.js';

/** The daemon's name for the engine's LogFunction (engine/ports.ts, its one home). */
export type Logger = LogFunction;

/** A logger writing `2026-11-23T06:40:00.003Z info  message` lines to `stream`. */
export function createLogger(stream: NodeJS.WritableStream, now: () => number = Date.now): Logger {
  return (level, message) => {
    stream.write(`${new Date(now()).toISOString()} ${level.padEnd(5)} ${escapeControl(message)}\n`);
  };
}
