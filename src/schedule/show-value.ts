/** How a parse error quotes the value the user wrote. */

/** Quote strings, print other values plainly: an error message must show what was written. */
export function showValue(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw);
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? 'an invalid date' : raw.toISOString();
  if (raw === null || raw === undefined) return 'nothing';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object') return 'a map';
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return `${raw}`;
  return typeof raw;
}
