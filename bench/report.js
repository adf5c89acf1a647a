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

/**
 * How far a figure is from its bound, said the right way round: "12 ms over", "1994 ms under", and
 * "0.05 ms over" (not "0 ms over": a 1.5x row missed by a hair said that in the 03:18 UTC full run).
 */
export function beyond(difference, unit = 'ms', format = (value) => (value < 10 ? fmtAuto(value) : fmt(value, 0))) {
  if (!Number.isFinite(difference)) return 'n/a';
  return `${format(Math.abs(difference))} ${unit} ${difference > 0 ? 'over' : 'under'}`;
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
 * A target verdict from named checks ({ ok, what }): `met` with every check's figure, or `MISSED`
 * followed by the checks that failed, then (met: ...) the ones that passed, so a row judged on two
 * conditions shows both. A check whose figure is missing (ok undefined) counts as missed.
 */
export function judge(checks) {
  const failed = checks.filter((check) => check.ok !== true);
  const passed = checks.filter((check) => check.ok === true);
  const list = (some) => some.map((check) => check.what).join('; ');
  let result = passed.length === 0 ? 'met' : `met: ${list(passed)}`;
  if (failed.length > 0) result = `MISSED: ${list(failed)}${passed.length === 0 ? '' : ` (met: ${list(passed)})`}`;
  return {
    met: failed.length === 0,
    result,
    checks: checks.map((check) => ({ ok: check.ok === true, what: check.what })),
  };
}

/** One row of the table; `checks` keeps each check of the verdict (issue-20.js picks the issue's). */
export function makeRow({ scenario, subject, figures, limit = '', peers = '', target = '', verdict = null }) {
  return {
    scenario,
    subject,
    figures,
    limit,
    peers,
    target,
    met: verdict?.met ?? null,
    result: verdict?.result ?? '',
    checks: verdict?.checks ?? [],
  };
}

const matches = (pattern, text) => (typeof pattern === 'string' ? pattern === text : pattern.test(text));

/** The goal's verdict from the row's own checks (only those that are the goal's target). */
function goalVerdict(row, goal) {
  if (row.met === null) {
    const why = row.result || (String(row.figures).startsWith('error') ? row.figures : 'the row has no verdict');
    return { met: null, result: `NOT JUDGED: ${why.replace(/^not judged: /i, '')}` };
  }
  const checks = (row.checks ?? []).filter((check) => goal.checks?.(check.what) ?? true);
  if (checks.length === 0) return { met: null, result: "NOT JUDGED: none of the row's checks is the target" };
  return judge(checks);
}

/**
 * One row per goal (bench/issue-20.js): the row of `rows` that measures it, the limit's figures
 * measured in the same run beside its ratio, the peers' ratios, and the verdict on the goal's
 * checks only. A goal no row measures says so (met null), so a missing row cannot pass unseen.
 */
export function goalRows(rows, goals) {
  const find = (scenario, subject) =>
    subject === undefined ? undefined : rows.find((row) => row.scenario === scenario && matches(subject, row.subject));
  return goals.map((goal) => {
    const base = { scenario: goal.scenario, goal: goal.row, target: goal.target };
    const row = find(goal.scenario, goal.subject);
    // A scenario that failed leaves one row saying why (run.js, or the driver's error row).
    const failed = rows.find((r) => r.scenario === goal.scenario && /^(failed|error)\b/.test(String(r.figures)));
    const why = failed?.figures ?? goal.unmeasured;
    if (row === undefined)
      return {
        ...base,
        figures: `not measured in this run${why === undefined ? '' : `: ${why}`}`,
        limit: '',
        peers: '',
        met: null,
        result: 'NOT MEASURED',
      };
    const limit = find(goal.scenario, goal.limit);
    const verdict = goalVerdict(row, goal);
    return {
      ...base,
      figures: row.figures,
      limit: limit === undefined ? row.limit : `${row.limit}; limit: ${limit.figures}`,
      peers: row.peers,
      met: verdict.met,
      result: verdict.result,
    };
  });
}

/** "3 met, 5 missed, 1 not judged" of rows whose `met` is true, false or null. */
export function countVerdicts(rows) {
  const count = (met) => rows.filter((row) => row.met === met).length;
  return `${count(true)} met, ${count(false)} missed, ${count(null)} not judged`;
}

/** The columns of the run's table: [row key, title]. */
export const COLUMNS = [
  ['scenario', '#'],
  ['subject', 'subject'],
  ['figures', 'figures'],
  ['limit', 'vs the limit (taskkit / limit)'],
  ['peers', 'vs peers (taskkit / peer)'],
  ['target', 'target'],
  ['result', 'result'],
];

/** The columns of goalRows' table. */
export const GOAL_COLUMNS = [
  ['scenario', '#'],
  ['goal', 'row of the issue'],
  ['figures', 'taskkit, this run'],
  ['limit', 'vs the limit, this run (taskkit / limit)'],
  ['peers', 'vs peers, this run (taskkit / peer)'],
  ['target', 'target'],
  ['result', 'result'],
];

/** The rows as one aligned markdown table. */
export function formatTable(rows, columns = COLUMNS) {
  const cells = rows.map((row) => columns.map(([key]) => String(row[key] ?? '').replace(/\|/g, '/')));
  const widths = columns.map(([, title], i) => Math.max(title.length, ...cells.map((line) => line[i].length)));
  const line = (values) => `| ${values.map((value, i) => value.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(columns.map(([, title]) => title)),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
  ].join('\n');
}
