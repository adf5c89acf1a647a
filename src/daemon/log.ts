/**
 * The daemon's log: one line per event, timestamped, to stderr (foreground) or the log file.
 * Messages quote task names, error text and notes: a newline in them would forge a log line, so
 * control characters are escaped, as journalctl does (issue 15 point 14).
 */
import { basename } from 'node:path';
import type { LogFunction } from '../engine/ports.js';
import { escapeControl } from '../escape-control.js';
import { LineBatch } from './log-batch.js';
import { createLogRotation, isDescriptorOf, type LogRotation, type LogRotationOptions } from './log-rotation.js';

/** The daemon's name for the engine's LogFunction (engine/ports.ts, its one home). */
export type Logger = LogFunction;

/** The daemon's logger, which can cap the state dir's log file once it knows where that is. */
export interface DaemonLogger extends Logger {
  /**
   * Rotate `logFile` (log-rotation.ts) when the stream writes to it: the detached daemon's stderr
   * is the state dir's taskkit.log; a terminal, a pipe or a file of the user's own is left alone.
   */
  rotate(logFile: string, limits?: Pick<LogRotationOptions, 'maxBytes' | 'keep'>): void;
  /** Write the lines of this tick now (they go out by themselves before the event loop polls again). */
  flush(): void;
}

/** A logger writing `2026-11-23T06:40:00.003Z info  message` lines to `stream`. */
export function createLogger(stream: NodeJS.WritableStream, now: () => number = Date.now): Logger {
  return (level, message) => {
    stream.write(formatLine(now(), level, message));
  };
}

/**
 * createLogger, plus rotation of the log file it writes to, and the lines of one tick in one write
 * (log-batch.ts: a run's start and the previous run's end are one write, not two). Writes to a
 * file stream are synchronous.
 */
export function createDaemonLogger(stream: NodeJS.WritableStream, now: () => number = Date.now): DaemonLogger {
  let rotation: LogRotation | null = null;
  let path = '';
  const batch = new LineBatch((text) => {
    stream.write(text);
    if (rotation?.wrote(Buffer.byteLength(text)) === true)
      stream.write(formatLine(now(), 'info', `log rotated: earlier lines are in ${basename(path)}.1`));
  });
  const log = ((level, message) => batch.add(formatLine(now(), level, message))) as DaemonLogger;
  log.flush = () => batch.flush();
  log.rotate = (logFile, limits = {}) => {
    batch.flush(); // lines logged before rotation was set up are not counted by it
    const fd = (stream as { fd?: unknown }).fd;
    if (typeof fd !== 'number' || !isDescriptorOf(fd, logFile)) return;
    path = logFile;
    rotation = createLogRotation({ path: logFile, fd, ...limits });
  };
  return log;
}

function formatLine(at: number, level: string, message: string): string {
  return `${new Date(at).toISOString()} ${level.padEnd(5)} ${escapeControl(message)}\n`;
}
