// Scenario 4: scale of the tasks file (bench/scenarios/scale.js): load time and memory by size,
// their growth, and next-instant speed per schedule kind against croner and cron-parser.
import { runScenario } from '../lib.js';
import { beyond, fmt, fmtAuto, fmtRate, judge, makeRow, ratio } from '../report.js';

const TARGET_SIZE = 100_000;
const TARGET_MS = 3000;
// Issue 20.4: a daemon answering (start returns, `taskkit list` answers) within 4 s of its start.
const TARGET_READY_MS = 4000;
const TARGET_RSS_MB = 250;
// Near-linear: the cost per task at the largest size at most this many times that at the middle one.
const LINEAR_SLACK = 1.5;

export async function runScale({ sizes, nextMs }, say) {
  const load = {};
  const daemon = {};
  for (const n of sizes) {
    load[n] = await runScenario('scale', ['load', n], { timeoutMs: 120_000 });
    say(`  load   N=${String(n).padEnd(7)} ${describeLoad(load[n])}`);
    daemon[n] = await runScenario('scale', ['daemon', n], { timeoutMs: 120_000 });
    say(`  daemon N=${String(n).padEnd(7)} ${describeDaemon(daemon[n])}`);
  }
  say(plotGrowth(sizes, load, daemon));
  const next = {};
  for (const lib of ['taskkit', 'croner', 'cron-parser']) {
    next[lib] = await runScenario('scale', ['next', lib, nextMs], { timeoutMs: 60_000 });
    say(
      `  next() ${lib.padEnd(12)} ${
        Object.entries(next[lib].callsPerSec ?? {})
          .map(([kind, rate]) => `${kind} ${fmtRate(rate)}`)
          .join(', ') || next[lib].error
      }`,
    );
  }

  const rows = [];
  const middle = sizes[sizes.length - 2];
  for (const n of sizes) {
    const atTarget = n === TARGET_SIZE;
    const growth = (results, key) =>
      middle === undefined ? NaN : results[n][key] / n / (results[middle][key] / middle);
    const linear = (results, key) => ({
      ok: !(growth(results, key) > LINEAR_SLACK),
      what: `cost per task ${ratio(growth(results, key), 1)} that at ${middle.toLocaleString('en')}`,
    });
    const target = atTarget ? `< ${TARGET_MS / 1000} s, peak RSS < ${TARGET_RSS_MB} MB, near-linear` : '';
    const readyTarget = atTarget ? `< ${TARGET_READY_MS / 1000} s, peak RSS < ${TARGET_RSS_MB} MB, near-linear` : '';
    const l = load[n];
    rows.push(
      makeRow({
        scenario: '4',
        subject: `load+validate+first instants, N=${n.toLocaleString('en')}`,
        figures: describeLoad(l),
        target,
        verdict:
          atTarget && l.error === undefined
            ? judge([
                {
                  ok: l.totalMs < TARGET_MS,
                  what: `${fmt(l.totalMs, 0)} ms (${beyond(l.totalMs - TARGET_MS)})`,
                },
                { ok: l.peakRssMb < TARGET_RSS_MB, what: `peak RSS ${fmt(l.peakRssMb, 0)} MB` },
                linear(load, 'totalMs'),
              ])
            : null,
      }),
    );
    const d = daemon[n];
    const peak = Math.max(d.daemonPeakRssMb ?? NaN, d.loaderPeakRssMb ?? 0);
    rows.push(
      makeRow({
        scenario: '4',
        subject: `taskkit start -f until it answers, N=${n.toLocaleString('en')}`,
        figures: describeDaemon(d),
        target: readyTarget,
        verdict:
          atTarget && d.error === undefined
            ? judge([
                {
                  ok: d.readyMs < TARGET_READY_MS,
                  what: `ready in ${fmt(d.readyMs, 0)} ms (${beyond(d.readyMs - TARGET_READY_MS)})`,
                },
                {
                  ok: peak < TARGET_RSS_MB,
                  what:
                    `peak RSS ${fmt(peak, 0)} MB (loader ${fmt(d.loaderPeakRssMb, 0)}, ` +
                    `daemon ${fmt(d.daemonPeakRssMb, 0)})`,
                },
                linear(daemon, 'readyMs'),
              ])
            : null,
      }),
    );
  }
  for (const kind of Object.keys(next.taskkit?.callsPerSec ?? {})) {
    const own = next.taskkit.callsPerSec[kind];
    const peers = ['croner', 'cron-parser'].filter((lib) => next[lib]?.callsPerSec?.[kind] !== undefined);
    rows.push(
      makeRow({
        scenario: '4',
        subject: `next() from any instant: ${kind} (Europe/Berlin)`,
        figures: [
          `taskkit ${fmtRate(own)} (${fmtAuto(1e6 / own)} us)`,
          ...peers.map(
            (lib) =>
              `${lib} ${fmtRate(next[lib].callsPerSec[kind])} (${fmtAuto(1e6 / next[lib].callsPerSec[kind])} us)`,
          ),
        ].join('; '),
        peers:
          peers.length > 0
            ? `speed: ${peers.map((lib) => `${lib} ${ratio(own, next[lib].callsPerSec[kind])}`).join(', ')}`
            : 'no peer equivalent',
      }),
    );
  }
  return { data: { load, daemon, next }, rows };
}

function describeLoad(r) {
  if (r.error !== undefined) return `error: ${r.error}`;
  return (
    `${fmt(r.totalMs, 0)} ms (parse+validate+lint ${fmt(r.loadMs, 0)}, ` +
    `first instants ${fmt(r.firstInstantsMs, 0)}); ${fmtAuto((r.totalMs / r.n) * 1000)} ms/1k tasks; ` +
    `peak RSS ${fmt(r.peakRssMb, 0)} MB; CPU ${fmt(r.cpuMs, 0)} ms (wall above CPU: the machine's load)`
  );
}

function describeDaemon(r) {
  if (r.error !== undefined) return `error: ${r.error}`;
  return (
    `ready in ${fmt(r.readyMs, 0)} ms; ${fmtAuto((r.readyMs / r.n) * 1000)} ms/1k tasks; ` +
    `peak RSS daemon ${fmt(r.daemonPeakRssMb, 0)} MB, loader child ${fmt(r.loaderPeakRssMb, 0)} MB`
  );
}

/** A small ASCII plot of ms by size, on a linear scale (log-log would hide what matters: the slope). */
function plotGrowth(sizes, load, daemon) {
  const width = 50;
  const max = Math.max(...sizes.flatMap((n) => [load[n].totalMs ?? 0, daemon[n].readyMs ?? 0]));
  const lines = ['  growth, ms by N (# in-process load, = daemon ready; linear growth: bars in proportion to N):'];
  for (const n of sizes) {
    const bar = (ms, ch) => ch.repeat(Math.max(1, Math.round((ms / max) * width)));
    lines.push(
      `  ${n.toLocaleString('en').padStart(8)} | ${bar(load[n].totalMs ?? 0, '#')} ${fmt(load[n].totalMs, 0)}`,
    );
    lines.push(`  ${''.padStart(8)} | ${bar(daemon[n].readyMs ?? 0, '=')} ${fmt(daemon[n].readyMs, 0)}`);
  }
  return lines.join('\n');
}
