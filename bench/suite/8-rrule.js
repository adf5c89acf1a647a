// Scenario 8: rrule next() from now, DTSTART 2000-01-01, against cron's next() (bench/scenarios/rrule-next.js).
import { runScenario } from '../lib.js';
import { fmtAuto, fmtRate, makeRow, ratio } from '../report.js';

export async function runRrule({ ms, rounds }, say) {
  const data = await runScenario('rrule-next', [ms, rounds], { timeoutMs: 120_000 });
  const subject = 'next() from now: rrule (DTSTART 2000) vs cron';
  if (data.error !== undefined) {
    say(`  error: ${data.error}`);
    return { data, rows: [makeRow({ scenario: '8', subject, figures: `error: ${data.error}` })] };
  }
  const describe = (r) => `${fmtAuto(r.usPerCall)} us/call (${fmtRate(r.callsPerSec)})`;
  say(`  rrule ${data.rule}, DTSTART ${data.start}, ${data.zone}: ${describe(data.rrule)}`);
  say(`  cron  "${data.expression}": ${describe(data.cron)}`);
  say(`  the rrule replayed from DTSTART on each call: ${describe(data.replay)}`);
  say(`  rrule / cron, time per call: ${ratio(data.rrule.usPerCall, data.cron.usPerCall)}`);
  if (!data.check) say('  WARNING: rrule, cron and the replay disagree on the next instant');
  return {
    data,
    rows: [
      makeRow({
        scenario: '8',
        subject: `${subject} (last weekday 18:00 / "${data.expression}", ${data.zone})`,
        figures:
          `rrule ${describe(data.rrule)}; cron ${describe(data.cron)}; ` +
          `replayed from DTSTART ${describe(data.replay)}`,
        limit:
          `time per call: rrule ${ratio(data.rrule.usPerCall, data.cron.usPerCall)} cron's, ` +
          `the replay ${ratio(data.replay.usPerCall, data.rrule.usPerCall)} rrule's`,
        target: 'none set (issue 17 asks for the figures)',
      }),
    ],
  };
}
