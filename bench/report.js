// The one table `npm run bench` prints at the end: number formats, ratios, target verdicts, and
// the markdown layout (readable in a terminal, pasteable into the README as it is).

/** A number with `digits` decimals, or n/a. */
export function fmt(value, digits = 1) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** A figure with as many decimals as it needs to be read: 0.0123, 1.23, 12.3, 123. */
export function fmtAuto(value) {
  if (!Number.isFinite(value)) return 'n/a';
  const size = Math.abs(value);
  if (size === 0) return '0';
  if (size < 0.1) return value.toPrecision(2);
  if (size < 10) return value.toFixed(2);
  if (size < 100) return value.toFixed(1);
  return value.toFixed(0);
}

/** A rate in calls per second with a k/M suffix. */
export function fmtRate(perSec) {
  if (!Number.isFinite(perSec)) return 'n/a';
  if (perSec >= 1e6) return `${fmt(perSec / 1e6, 2)}M/s`;
  if (perSec >= 1e3) return `${fmt(perSec / 1e3, 1)}k/s`;
  return `${fmt(perSec, 0)}/s`;
}

/** `a / b` as "0.42x"; n/a when either side is missing or b is 0. */
export function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a';
  const r = a / b;
  return `${r >= 100 ? fmt(r, 0) : r >= 10 ? fmt(r, 1) : fmt(r, 2)}x`;
}

/**
 * A target verdict from named checks ({ ok, what }): `met`, or `MISSED` followed by the checks
 * that failed. A check whose figure is missing (ok undefined) counts as missed.
 */
export function judge(checks) {
  const failed = checks.filter((check) => check.ok !== true);
  return {
    met: failed.length === 0,
    result: failed.length === 0 ? 'met' : `MISSED: ${failed.map((check) => check.what).join('; ')}`,
  };
}

/** One row of the table. */
export function makeRow({ scenario, subject, figures, limit = '', peers = '', target = '', verdict = null }) {
  return { scenario, subject, figures, limit, peers, target, met: verdict?.met ?? null, result: verdict?.result ?? '' };
}

const COLUMNS = [
  ['scenario', '#'],
  ['subject', 'subject'],
  ['figures', 'figures'],
  ['limit', 'vs the limit (taskkit / limit)'],
  ['peers', 'vs peers (taskkit / peer)'],
  ['target', 'target'],
  ['result', 'result'],
];

/** The rows as one aligned markdown table. */
export function formatTable(rows) {
  const cells = rows.map((row) => COLUMNS.map(([key]) => String(row[key] ?? '').replace(/\|/g, '/')));
  const widths = COLUMNS.map(([, title], i) => Math.max(title.length, ...cells.map((line) => line[i].length)));
  const line = (values) => `| ${values.map((value, i) => value.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(COLUMNS.map(([, title]) => title)),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
  ].join('\n');
}
