// Scenario 10 (issue 21): cluster mode on a throwaway PostgreSQL. Claims per second won and lost
// through the pg-store API against a bare unique INSERT and a bare SELECT (the limits), a 3-host race
// (each instant won once), and the start lateness of the same tasks single-host and on 3 daemons in
// a cluster. Targets from ../shared/CLUSTER.md section 12. Skipped, saying why, without PostgreSQL.
import { runScenario } from '../lib.js';
import { pgUnavailable } from '../pg.js';
import { fmtAuto, fmtRate, judge, makeRow, ratio } from '../report.js';

export async function runCluster({ seconds, firing, latenessSeconds, hosts }, say) {
  const missing = pgUnavailable();
  if (missing !== null) {
    say(`  skipped: ${missing}`);
    return {
      data: { skipped: missing },
      rows: [makeRow({ scenario: '10', subject: 'cluster mode (PostgreSQL)', figures: `skipped: ${missing}` })],
    };
  }
  const claims = await runScenario('cluster-claims', [seconds], { timeoutMs: 180_000 });
  const single = await runScenario('cluster-lateness', ['single', firing, latenessSeconds], { timeoutMs: 180_000 });
  const clustered = await runScenario('cluster-lateness', ['cluster', firing, latenessSeconds, hosts], {
    timeoutMs: 240_000,
  });
  const rows = [...claimRows(claims, say), ...latenessRows(single, clustered, hosts, say)];
  return { data: { claims, single, clustered }, rows };
}

function claimRows(c, say) {
  if (c.error !== undefined || c.skipped !== undefined) {
    const why = c.error ?? `skipped: ${c.skipped}`;
    say(`  claims: ${why}`);
    return [makeRow({ scenario: '10', subject: 'claim_v1 won / lost per second', figures: why })];
  }
  const won = `${fmtRate(c.won1.perSecond)} / ${fmtRate(c.won4.perSecond)}`;
  const bare = `${fmtRate(c.limit.insert1PerSecond)} / ${fmtRate(c.limit.insert4PerSecond)}`;
  const race =
    `${fmtRate(c.race.attemptsPerSecond)} attempts; ` + `${c.race.instants} instants, ${c.race.wonOutcomes} told won`;
  say(`  won ${won} (1 / 4 clients); lost ${fmtRate(c.lost.perSecond)}; race ${race}`);
  say(`  bare INSERT ${bare}; bare SELECT ${fmtRate(c.limit.selectPerSecond)}`);
  return [
    makeRow({
      scenario: '10',
      subject: 'bare unique INSERT, 1 / 4 clients; bare SELECT by the key (limits)',
      figures: `${bare}; ${fmtRate(c.limit.selectPerSecond)}`,
      limit: 'limit',
    }),
    makeRow({
      scenario: '10',
      subject: 'claim_v1 won, 1 / 4 clients (fsync, synchronous_commit on)',
      figures: won,
      limit:
        `${ratio(c.won1.perSecond, c.limit.insert1PerSecond)} / ` +
        `${ratio(c.won4.perSecond, c.limit.insert4PerSecond)} of INSERT`,
      target: '>= 50/s',
      verdict: judge([{ ok: c.won1.perSecond >= 50, what: `${fmtAuto(c.won1.perSecond)}/s won` }]),
    }),
    makeRow({
      scenario: '10',
      subject: 'claim_v1 lost (fast path), 1 client',
      figures: fmtRate(c.lost.perSecond),
      limit: `${ratio(c.lost.perSecond, c.limit.selectPerSecond)} of SELECT`,
      target: '>= 1,000/s',
      verdict: judge([{ ok: c.lost.perSecond >= 1000, what: `${fmtAuto(c.lost.perSecond)}/s lost` }]),
    }),
    makeRow({
      scenario: '10',
      subject: 'claim_v1, 3 hosts racing for the same instants',
      figures: race,
      target: 'each instant won once',
      verdict: judge([
        {
          ok: c.race.instants === c.race.wonOutcomes,
          what: `${c.race.wonOutcomes} wins for ${c.race.instants} instants`,
        },
      ]),
    }),
  ];
}

function latenessRows(single, clustered, hosts, say) {
  const describe = (r) => {
    if (r.error !== undefined) return `error: ${r.error}`;
    if (r.skipped !== undefined) return `skipped: ${r.skipped}`;
    const { p50, p99, max } = r.lateness;
    const twice = r.overfull > 0 ? `, ${r.overfull} instants started twice` : '';
    const late = `${fmtAuto(p50)}/${fmtAuto(p99)}/${fmtAuto(max)} ms`;
    return `start late p50/p99/max ${late} (${r.starts}/${r.expected} starts${twice})`;
  };
  say(`  single-host: ${describe(single)}`);
  say(`  cluster of ${hosts}: ${describe(clustered)}`);
  const ok = clustered.lateness !== undefined;
  return [
    makeRow({
      scenario: '10',
      subject: `${single.firing ?? ''} tasks every second, one daemon, no cluster (reference)`,
      figures: describe(single),
      limit: 'limit',
    }),
    makeRow({
      scenario: '10',
      subject: `the same tasks on ${hosts} daemons in a cluster (claim before each start)`,
      figures: describe(clustered),
      limit: ok
        ? `p50 ${ratio(clustered.lateness.p50, single.lateness?.p50)}, ` +
          `p99 ${ratio(clustered.lateness.p99, single.lateness?.p99)}`
        : '',
      // CLUSTER.md 12's claim lateness targets, applied here to the command's start (the spawn included).
      target: 'p50 < 50 ms, p99 < 500 ms to the start; every instant once',
      verdict: ok
        ? judge([
            { ok: clustered.lateness.p50 < 50, what: `p50 ${fmtAuto(clustered.lateness.p50)} ms` },
            { ok: clustered.lateness.p99 < 500, what: `p99 ${fmtAuto(clustered.lateness.p99)} ms` },
            { ok: clustered.starts === clustered.expected, what: `${clustered.starts}/${clustered.expected} starts` },
            { ok: clustered.overfull === 0, what: `${clustered.overfull} instants started twice` },
          ])
        : null,
    }),
  ];
}
