// Scenario 3: idle cost (bench/scenarios/idle.js measures every subject over one shared window).
import { MAX_TIMER_DELAY_MS } from '../../dist/engine/clock.js';
import { runScenario } from '../lib.js';
import { beyond, fmt, fmtAuto, judge, makeRow, ratio } from '../report.js';

const PEERS = ['node-cron', 'croner', 'toad'];
const RSS_SIZE = 100_000;
const RSS_LIMIT_MB = 150;
const CPU_LIMIT_PERCENT = 0.05;
// The engine's documented cap (engine/clock.ts): one wake per MAX_TIMER_DELAY_MS, plus one for the
// window's edges.
const CAP_WAKES_PER_MIN = 60_000 / MAX_TIMER_DELAY_MS;
// V8's memory reducer re-arms an 8 s timer for about a minute after a large allocation (in every
// subject): a shorter settle measures start-up, not idling, and is not judged.
const MIN_SETTLE_S = 60;

export async function runIdle({ sizes, seconds, settle }, say) {
  const data = await runScenario('idle', [sizes.join(','), seconds, settle], {
    timeoutMs: (seconds + settle + 400) * 1000,
  });
  if (data.error !== undefined) {
    say(`  error: ${data.error}`);
    return { data, rows: [makeRow({ scenario: '3', subject: 'idle', figures: `error: ${data.error}` })] };
  }
  const find = (subject, n) => data.results.find((r) => r.subject === subject && r.n === n);
  const bare = find('bare', 0);
  for (const r of data.results) say(`  ${r.subject.padEnd(15)} N=${String(r.n).padEnd(7)} ${describe(r)}`);
  const rows = [
    makeRow({ scenario: '3', subject: 'bare node, one timer (limit)', figures: describe(bare), limit: 'limit' }),
  ];
  for (const n of sizes) {
    for (const subject of ['taskkit', 'taskkit-daemon', ...PEERS]) {
      const r = find(subject, n);
      const name =
        subject === 'taskkit' ? 'taskkit library' : subject === 'taskkit-daemon' ? 'taskkit start -f' : subject;
      const base = { scenario: '3', subject: `${name}, N=${n.toLocaleString('en')}`, figures: describe(r) };
      if (r.error !== undefined) {
        rows.push(makeRow(base));
        continue;
      }
      const limit = `RSS ${ratio(r.rssMb, bare.rssMb)}; +${fmtAuto(r.wakesPerMin - bare.wakesPerMin)} wakes/min`;
      if (!subject.startsWith('taskkit')) {
        rows.push(makeRow({ ...base, limit }));
        continue;
      }
      const peers = ['rssMb', 'wakesPerMin']
        .map(
          (key) =>
            `${key === 'rssMb' ? 'RSS' : 'wakes'}: ` +
            `${PEERS.map((peer) => `${peer} ${ratio(r[key], find(peer, n)?.[key])}`).join(', ')}`,
        )
        .join('; ');
      const checks = [
        {
          ok: r.wakesPerMin <= CAP_WAKES_PER_MIN + 1,
          what: `${fmtAuto(r.wakesPerMin)} wakes/min (cap: ${CAP_WAKES_PER_MIN})`,
        },
        { ok: r.cpuPercent < CPU_LIMIT_PERCENT, what: `CPU ${fmtAuto(r.cpuPercent)}%` },
      ];
      if (n === RSS_SIZE)
        checks.push({
          ok: r.rssMb < RSS_LIMIT_MB,
          what: `RSS ${fmt(r.rssMb, 0)} MB (${beyond(r.rssMb - RSS_LIMIT_MB, 'MB')})`,
        });
      rows.push(
        makeRow({
          ...base,
          limit,
          peers,
          target:
            `wakes <= ${CAP_WAKES_PER_MIN}/min (10 s cap), ` +
            `CPU < ${CPU_LIMIT_PERCENT}%${n === RSS_SIZE ? `, RSS < ${RSS_LIMIT_MB} MB` : ''}`,
          verdict:
            settle >= MIN_SETTLE_S
              ? judge(checks)
              : { met: null, result: `not judged: settle ${settle} s < ${MIN_SETTLE_S} s (--quick)` },
        }),
      );
    }
  }
  return { data, rows };
}

function describe(r) {
  if (r === undefined) return 'missing';
  if (r.error !== undefined) return `error: ${r.error}`;
  return (
    `CPU ${fmtAuto(r.cpuPercent)}% of a core; ${fmtAuto(r.wakesPerMin)} wakes/min; RSS ${fmt(r.rssMb, 0)} ` +
    `MB; loaded in ${fmt(r.loadMs / 1000, 1)} s`
  );
}
