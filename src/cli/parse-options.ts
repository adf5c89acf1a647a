/** Parsing of command-line option values, with usage errors (exit 2) that name the option. */
import { TaskkitError } from '../errors.js';

/** A positive integer option, or undefined when absent. */
export function parsePositiveInt(raw: string | undefined, option: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new TaskkitError('USAGE', `${option}: expected a positive whole number, got "${raw}"`);
  }
  return Number(raw);
}
