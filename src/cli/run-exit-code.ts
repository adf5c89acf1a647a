/**
 * The exit code a verb that ran a task (`exec`, `run-now --wait`) passes on, so that shell
 * scripts can chain on it: the task's own code; 128+N when killed by signal N (the shell's
 * convention); 124 when timed out (timeout(1)'s); 1 when it could not start; 130 if cancelled.
 */
import { constants } from 'node:os';

interface FinishedRun {
  readonly status: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
}

export function exitCodeOfRun(run: FinishedRun): number {
  if (run.status === 'succeeded') return 0;
  if (run.status === 'timed-out') return 124;
  if (run.status === 'cancelled') return 130;
  if (run.exitCode !== null) return run.exitCode;
  if (run.signal !== null) {
    const number = (constants.signals as Record<string, number | undefined>)[run.signal];
    if (number !== undefined) return 128 + number;
  }
  return 1;
}
