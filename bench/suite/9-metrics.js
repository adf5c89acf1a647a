// Scenario 9: scraping /metrics of a daemon with 10,000 tasks (bench/scenarios/metrics-scrape.js):
// the scrape's time, and the start lateness of tasks firing every second while scrapes go on
// back to back, against the same daemon left alone in the same run.
import { runScenario } from '../lib.js';
import { fmt, fmtAuto, makeRow, ratio } from '../report.js';

export async function runMetrics({ total, firing, seconds, pauseMs }, say) {
  const data = await runScenario('metrics-scrape', [total, firing, seconds, pauseMs], { timeoutMs: 240_000 });
  const subject = `scrape /metrics, ${total.toLocaleString('en')} tasks, ${firing} firing every second`;
  if (data.error !== undefined) {
    say(`  error: ${data.error}`);
    return { data, rows: [makeRow({ scenario: '9', subject, figures: `error: ${data.error}` })] };
  }
  const late = (r) =>
    `start late p50/p99/max ${fmtAuto(r.lateness.p50)}/${fmtAuto(r.lateness.p99)}/${fmtAuto(r.lateness.max)} ms ` +
    `(${r.starts}/${r.expected} starts)`;
  const scrape =
    `scrape p50/p99/max ${fmtAuto(data.scrapes.p50)}/${fmtAuto(data.scrapes.p99)}/${fmtAuto(data.scrapes.max)} ms ` +
    `over ${data.scrapes.n} scrapes ${data.pauseMs} ms apart (${fmt(data.bodyBytes / 1024 / 1024, 1)} MB, ` +
    `${data.series.toLocaleString('en')} series)`;
  say(`  ${scrape}`);
  say(`  quiet:    ${late(data.quiet)}`);
  say(`  scraping: ${late(data.scraping)}`);
  const p99 = ratio(data.scraping.lateness.p99, data.quiet.lateness.p99);
  const p50 = ratio(data.scraping.lateness.p50, data.quiet.lateness.p50);
  return {
    data,
    rows: [
      makeRow({
        scenario: '9',
        subject: `${subject}: the same daemon left alone`,
        figures: late(data.quiet),
        limit: 'limit',
      }),
      makeRow({
        scenario: '9',
        subject: `${subject}: while scraping`,
        figures: `${scrape}; ${late(data.scraping)}`,
        limit: `lateness while scraping / alone: p99 ${p99}, p50 ${p50}`,
        target: 'none set (issue 19 asks for the figures)',
      }),
    ],
  };
}
