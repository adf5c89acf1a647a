// Issue 20's table, row by row, as `npm run bench` closes with it: which row of the run's table
// measures each of the issue's rows (its scenario and subject), which row is the limit it is
// compared with in the same run, and which of the row's checks are the issue's target (a row may
// judge more: issue 7's heap bound, near-linear growth, wake-ups; those stay in the full table).
// A row the run did not measure (--only, --quick, a failed scenario) is printed as such, never left
// out (`unmeasured`: why a run may leave it out).

/** A check of the row whose text starts with one of `prefixes` (judge()'s `what`). */
const startsWith =
  (...prefixes) =>
  (what) =>
    prefixes.some((prefix) => what.startsWith(prefix));

const ENGINE_TARGET = 'p99 <= bare + 10 ms and <= croner / 10, 100% complete';
const engineChecks = (what) => !what.startsWith('heap ');

export const ISSUE_20 = [
  {
    row: 'in process, 1,000 function tasks every second, p99 lateness',
    scenario: '1',
    subject: 'taskkit, N=1,000',
    limit: 'bare setTimeout (limit), N=1,000',
    target: ENGINE_TARGET,
    checks: engineChecks,
  },
  {
    row: 'in process, 10,000 tasks, p99',
    scenario: '1',
    subject: 'taskkit, N=10,000',
    limit: 'bare setTimeout (limit), N=10,000',
    target: ENGINE_TARGET,
    checks: engineChecks,
  },
  {
    row: 'daemon, 10,000 tasks loaded, 5 shell tasks due on the same second, start lateness',
    scenario: '2',
    subject: /^taskkit start -f, 10,000 tasks, 5\/s$/,
    limit: /^bare timer \+ spawn \(limit\)/,
    target: 'p99 within 3 ms of the bare timer',
  },
  {
    row: 'runs/s of `true`, history on, 1 at a time',
    scenario: '5',
    subject: 'taskkit start -f, max-concurrent 1, history on',
    limit: 'raw spawn loop (limit), 1 in flight',
    target: '>= 90% of the raw spawn loop',
  },
  {
    row: 'runs/s of `true`, history on, 8 at a time',
    scenario: '5',
    subject: 'taskkit start -f, max-concurrent 8, history on',
    limit: 'raw spawn loop (limit), 8 in flight',
    target: '>= 90% of the raw spawn loop',
  },
  {
    row: '`taskkit list` (1,000 tasks), whole process',
    scenario: '6',
    subject: /^taskkit list \(1,000 tasks\), whole process vs node -e 0/,
    limit: 'node -e 0 (limit)',
    target: '<= 1.5x node -e 0',
  },
  {
    row: '`taskkit run-now`, whole process',
    scenario: '6',
    subject: /^taskkit run-now quick, whole process vs node -e 0/,
    limit: 'node -e 0 (limit)',
    target: '<= 1.5x node -e 0',
  },
  {
    row: 'shell completion of task names',
    scenario: '6',
    subject: 'taskkit __complete tasks',
    limit: 'node -e 0 (limit)',
    target: '< 100 ms',
  },
  {
    row: 'load + validate 100,000 tasks',
    scenario: '4',
    subject: 'load+validate+first instants, N=100,000',
    target: '< 3 s, peak < 250 MB',
    checks: (what) => !what.startsWith('cost per task'),
  },
  {
    row: 'daemon answering, 100,000 tasks',
    scenario: '4',
    subject: 'taskkit start -f until it answers, N=100,000',
    target: '< 4 s',
    checks: startsWith('ready in'),
  },
  {
    row: 'daemon RSS idle, 100,000 tasks',
    scenario: '3',
    subject: 'taskkit start -f, N=100,000',
    limit: 'bare node, one timer (limit)',
    target: '< 150 MB',
    checks: startsWith('RSS '),
    unmeasured: 'the full run measures it (100,000 tasks idle after a 75 s settle; not --quick)',
  },
  {
    row: 'load held: 200 runs/s of a short shell command',
    scenario: '11',
    subject: /^taskkit start -f, 200 runs\/s/,
    limit: /^bare timer \+ spawn \(limit\)/,
    target: 'p99 <= 2x the bare timer, 0 runs lost',
  },
];
