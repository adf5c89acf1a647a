// Scenario 8 (issue 17): next() of a typical `rrule:` whose DTSTART is 2000-01-01 (the default
// `start:`), from "now", side by side with `cron:`'s next() for the comparable expression, both
// compiled once (compileSchedule) in Europe/Berlin. The rrule must not replay the 26 years since
// its DTSTART on each call (rrule.ts jumps to the period holding `after`): this shows what it
// costs over cron, and what the jump saves: `replay` expands the same rule from DTSTART on every
// call, as the npm rrule package's after() does (with our expander, so only the replay differs).
// Rounds alternate the subjects, so all see the same machine load.
// Usage: node bench/scenarios/rrule-next.js MS_PER_ROUND ROUNDS. Prints one JSON line.
import { compileSchedule } from '../../dist/schedule/next.js';
import { parseCron } from '../../dist/schedule/cron.js';
import { wallInstant } from '../../dist/schedule/rrule-instant.js';
import { parseRrule } from '../../dist/schedule/rrule-parse.js';
import { RruleExpander } from '../../dist/schedule/rrule-period.js';
import { planRrule } from '../../dist/schedule/rrule-plan.js';

const [msArg = '300', roundsArg = '5'] = process.argv.slice(2);
const ZONE = 'Europe/Berlin';
const RULE = 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18;BYMINUTE=0';
const CRON = '0 18 * * 1-5';

function value(result) {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

const spec = value(parseRrule(RULE, undefined));
const plan = planRrule(spec);
const subjects = {
  rrule: compileSchedule(spec, ZONE),
  cron: compileSchedule(value(parseCron(CRON)), ZONE),
  replay: {
    next(after) {
      const expander = new RruleExpander(plan);
      const walls = [];
      while (expander.next(walls))
        for (const wall of walls) {
          const instant = wallInstant(wall, ZONE);
          if (instant !== null && instant > after) return instant;
        }
      return null;
    },
  },
};

// "From now": 1,024 instants spread over the next 30 days, so no call repeats the last one's input.
const now = Date.now();
const afters = Array.from({ length: 1024 }, (_, i) => now + ((i * 2_654_435_761) % (30 * 86_400_000)));

/** Calls per second of next(after) over `afters`, for `ms`. */
function rate(schedule, ms) {
  let sink = 0;
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 256; i++) sink += schedule.next(afters[calls++ & 1023]) ?? 0;
    elapsed = performance.now() - started;
  }
  if (sink === 42) console.error('');
  return (calls / elapsed) * 1000;
}

// Warm both up (JIT, the zone's offset cache), then alternate.
for (const schedule of Object.values(subjects)) rate(schedule, 200);
const samples = { rrule: [], cron: [], replay: [] };
for (let round = 0; round < Number(roundsArg); round++)
  for (const [name, schedule] of Object.entries(subjects)) samples[name].push(rate(schedule, Number(msArg)));

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const result = { zone: ZONE, rule: RULE, start: '2000-01-01T00:00:00', expression: CRON, rounds: Number(roundsArg) };
for (const name of Object.keys(subjects)) {
  const callsPerSec = median(samples[name]);
  result[name] = { callsPerSec, usPerCall: 1e6 / callsPerSec, samples: samples[name] };
}
// The instants must agree where both rules fire (the last weekday at 18:00 is a weekday at 18:00).
const first = subjects.rrule.next(now);
result.check = first !== null && subjects.cron.next(first - 1) === first && subjects.replay.next(now) === first;
console.log(JSON.stringify(result));
