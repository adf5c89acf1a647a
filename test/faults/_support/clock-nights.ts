/**
 * The four DST nights of the clock-change suite and what DESIGN.md "Schedule semantics" says must
 * fire in each, written out from the rules (Vixie/cronie cron(8)):
 * - FIXED: a fixed-time job (daily, or no `*` at the start of second, minute and hour) whose time
 *   falls in a spring-forward gap fires once, at the first instant after the gap (several gap
 *   times of one job collapse into that one run); in a fall-back repeated hour it fires once, at
 *   the first occurrence;
 * - WILDCARD: a wildcard job is not adjusted: times that do not exist are skipped, and in the
 *   repeated hour it fires on both passes;
 * - EVERY: `every` is a fixed rate on the absolute timeline, blind to the wall clock.
 * Expected instants are local wall times with the offset in force ("03:00 -04:00") over the whole
 * night, from 00:00 up to (not including) 04:00 local; a run checks those inside its window.
 */

export interface NightTask {
  readonly name: string;
  /** The schedule line of the task in the tasks file. */
  readonly schedule: string;
  /** "HH:MM ±HH:MM" on the night's date, ascending. */
  readonly expected: readonly string[];
}

export interface Night {
  readonly label: string;
  readonly zone: string;
  /** The local date of the night. */
  readonly date: string;
  /** 00:00 to 04:00 local, as UTC instants: the long form runs all of it. */
  readonly night: readonly [string, string];
  /** The bounded form's window: the change and an instant of every rule. */
  readonly window: readonly [string, string];
  readonly tasks: readonly NightTask[];
}

/** Minutes of `every: 20m` from `from` to `to` (HH:MM, both included) with `offset`: a helper for the tables only. */
function every20m(from: string, to: string, offset: string): string[] {
  const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  const times: string[] = [];
  for (let minute = minutes(from); minute <= minutes(to); minute += 20) {
    times.push(`${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')} ${offset}`);
  }
  return times;
}

function springNight(
  label: string,
  zone: string,
  date: string,
  std: string,
  dst: string,
  night: Night['night'],
  window: Night['window'],
): Night {
  return {
    label,
    zone,
    date,
    night,
    window,
    tasks: [
      // FIXED: first instant after the gap
      { name: 'daily-in-gap', schedule: 'daily: "02:30"', expected: [`03:00 ${dst}`] },
      { name: 'cron-in-gap', schedule: 'cron: "30 2 * * *"', expected: [`03:00 ${dst}`] }, // FIXED
      // FIXED: both collapse into one
      { name: 'cron-list-in-gap', schedule: 'cron: "15,45 2 * * *"', expected: [`03:00 ${dst}`] },
      { name: 'daily-before', schedule: 'daily: "01:30"', expected: [`01:30 ${std}`] },
      { name: 'daily-after', schedule: 'daily: "03:30"', expected: [`03:30 ${dst}`] },
      {
        name: 'wildcard-30m', // WILDCARD: 02:00 and 02:30 do not exist: skipped
        schedule: 'cron: "*/30 * * * *"',
        expected: [`00:00 ${std}`, `00:30 ${std}`, `01:00 ${std}`, `01:30 ${std}`, `03:00 ${dst}`, `03:30 ${dst}`],
      },
      // WILDCARD: the whole hour is skipped
      { name: 'wildcard-in-gap', schedule: 'cron: "*/15 2 * * *"', expected: [] },
      // EVERY: 20 minutes of real time, whatever the wall clock reads (01:40 + 20m is 03:00).
      {
        name: 'every-20m',
        schedule: 'every: 20m',
        expected: [...every20m('00:00', '01:40', std), ...every20m('03:00', '03:40', dst)],
      },
    ],
  };
}

/** A fall-back night whose repeated hour is `hh`:00-`hh`:59 (`next` is the hour after it). */
function fallNight(
  label: string,
  zone: string,
  date: string,
  dst: string,
  std: string,
  hh: string,
  next: string,
  night: Night['night'],
  window: Night['window'],
): Night {
  const hourly = ['00', '01', '02', '03'];
  return {
    label,
    zone,
    date,
    night,
    window,
    tasks: [
      // FIXED: first occurrence only
      { name: 'daily-repeated', schedule: `daily: "${hh}:30"`, expected: [`${hh}:30 ${dst}`] },
      { name: 'cron-repeated', schedule: `cron: "30 ${Number(hh)} * * *"`, expected: [`${hh}:30 ${dst}`] }, // FIXED
      // FIXED: a list counts as fixed-time; its repeated-hour time fires once.
      {
        name: 'cron-list',
        schedule: `cron: "0 ${Number(hh)},${Number(next)} * * *"`,
        expected: [`${hh}:00 ${dst}`, `${next}:00 ${std}`],
      },
      { name: 'daily-after', schedule: `daily: "${next}:00"`, expected: [`${next}:00 ${std}`] },
      {
        name: 'wildcard-repeated', // WILDCARD: both passes
        schedule: `cron: "*/30 ${Number(hh)} * * *"`,
        expected: [`${hh}:00 ${dst}`, `${hh}:30 ${dst}`, `${hh}:00 ${std}`, `${hh}:30 ${std}`],
      },
      {
        name: 'wildcard-hourly', // WILDCARD: the repeated hour's 0 minute comes twice
        schedule: 'cron: "0 * * * *"',
        expected: [
          ...hourly.filter((h) => h <= hh).map((h) => `${h}:00 ${dst}`),
          ...hourly.filter((h) => h >= hh).map((h) => `${h}:00 ${std}`),
        ],
      },
      // EVERY: the repeated hour's wall times come twice, 20 minutes of real time apart as always.
      {
        name: 'every-20m',
        schedule: 'every: 20m',
        expected: [...every20m('00:00', `${hh}:40`, dst), ...every20m(`${hh}:00`, '03:40', std)],
      },
    ],
  };
}

export const NIGHTS: readonly Night[] = [
  // 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z).
  springNight(
    'New York spring forward',
    'America/New_York',
    '2026-03-08',
    '-05:00',
    '-04:00',
    ['2026-03-08T05:00:00Z', '2026-03-08T08:00:00Z'],
    ['2026-03-08T06:25:00Z', '2026-03-08T07:35:00Z'],
  ),
  // 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z): 01:00-01:59 twice.
  fallNight(
    'New York fall back',
    'America/New_York',
    '2026-11-01',
    '-04:00',
    '-05:00',
    '01',
    '02',
    ['2026-11-01T04:00:00Z', '2026-11-01T09:00:00Z'],
    ['2026-11-01T04:58:00Z', '2026-11-01T07:02:00Z'],
  ),
  // 2026-03-29 02:00 CET -> 03:00 CEST (01:00Z).
  springNight(
    'Berlin spring forward',
    'Europe/Berlin',
    '2026-03-29',
    '+01:00',
    '+02:00',
    ['2026-03-28T23:00:00Z', '2026-03-29T02:00:00Z'],
    ['2026-03-29T00:25:00Z', '2026-03-29T01:35:00Z'],
  ),
  // 2026-10-25 03:00 CEST -> 02:00 CET (01:00Z): 02:00-02:59 twice.
  fallNight(
    'Berlin fall back',
    'Europe/Berlin',
    '2026-10-25',
    '+02:00',
    '+01:00',
    '02',
    '03',
    ['2026-10-24T22:00:00Z', '2026-10-25T03:00:00Z'],
    ['2026-10-24T23:58:00Z', '2026-10-25T02:02:00Z'],
  ),
];

/** The instant of an expected "HH:MM ±HH:MM" on the night's date. */
export function parseExpected(night: Night, entry: string): number {
  const [time, offset] = entry.split(' ');
  return Date.parse(`${night.date}T${time ?? ''}:00${offset ?? ''}`);
}

/** The tasks file of a night; an hour of shutdown grace (5 s at 720x) lets no stop cancel a run. */
export function renderNightTasks(night: Night): string[] {
  return renderClockTasks(
    night.zone,
    night.tasks.map((task) => ({ name: task.name, lines: [task.schedule] })),
    ['shutdown-grace: 1h'],
  );
}

/** A tasks file in `zone` whose tasks run `true`, without the preload (see clock-faketime.ts). */
export function renderClockTasks(
  zone: string,
  tasks: readonly { name: string; lines: readonly string[] }[],
  settings: readonly string[] = [],
): string[] {
  return [
    'settings:',
    `  timezone: ${zone}`,
    '  state-dir: ./state',
    ...settings.map((line) => `  ${line}`),
    'tasks:',
    ...tasks.flatMap((task) => [
      `  ${task.name}:`,
      ...task.lines.map((line) => `    ${line}`),
      '    run: "true"',
      '    env: { LD_PRELOAD: "" }',
    ]),
  ];
}
