// Scenario 2: daemon precision with real processes (bench/scenarios/daemon-precision.js). With
// `interleave`, the window is split in two halves run in the order limit, taskkit, taskkit, limit,
// so that a burst of load from other users of a shared machine falls on both sides alike; the
// samples are pooled.
import { runScenario, summarize } from '../lib.js';
import { beyond, fmt, fmtAuto, judge, makeRow, ratio } from '../report.js';

const MARGIN_MS = 3;

export async function runDaemonPrecision({ total, firing, seconds, interleave = true }, say) {
  const order = interleave ? ['bare', 'taskkit', 'taskkit', 'bare'] : ['bare', 'taskkit'];
  const part = Math.max(2, Math.round(seconds / (order.length / 2)));
  const parts = { bare: [], taskkit: [] };
  for (const mode of order) {
    const result = await runScenario('daemon-precision', [mode, mode === 'bare' ? 0 : total, firing, part], {
      timeoutMs: 180_000,
    });
    parts[mode].push(result);
    say(`  ${mode === 'bare' ? 'bare timer' : 'taskkit   '} (${part} s): ${describe(result)}`);
  }
  const bare = pool(parts.bare);
  const taskkit = pool(parts.taskkit);
  const gap = taskkit.lateness?.p99 - bare.lateness?.p99;
  const rows = [
    makeRow({
      scenario: '2',
      subject: `bare timer + spawn (limit), ${firing}/s`,
      figures: describe(bare),
      limit: 'limit',
    }),
    makeRow({
      scenario: '2',
      subject: `taskkit start -f, ${total.toLocaleString('en')} tasks, ${firing}/s`,
      figures: describe(taskkit),
      limit:
        `p99 ${gap >= 0 ? '+' : ''}${fmtAuto(gap)} ms ` +
        `(${ratio(taskkit.lateness?.p99, bare.lateness?.p99)}); ` +
        `p50 ${ratio(taskkit.lateness?.p50, bare.lateness?.p50)}`,
      target: `p99 <= limit + ${MARGIN_MS} ms`,
      verdict: judge([
        {
          ok: Number.isFinite(gap) ? gap <= MARGIN_MS : undefined,
          what: `p99 ${beyond(gap, 'ms', fmtAuto)} the limit (${beyond(gap - MARGIN_MS, 'ms', fmtAuto)} the margin)`,
        },
      ]),
    }),
  ];
  return { data: { bare, taskkit, parts }, rows };
}

/** The halves of one subject as one result: samples pooled, CPU and RSS averaged. */
function pool(results) {
  const failed = results.find((r) => r.error !== undefined);
  if (failed !== undefined) return failed;
  const samples = results.flatMap((r) => r.samples);
  const mean = (key) => results.reduce((sum, r) => sum + r[key], 0) / results.length;
  return {
    starts: samples.length,
    expected: results.reduce((sum, r) => sum + r.expected, 0),
    lateness: summarize(samples),
    cpuPercent: mean('cpuPercent'),
    spawnerCpuPercent: mean('spawnerCpuPercent'),
    rssMb: mean('rssMb'),
    readyMs: mean('readyMs'),
  };
}

/** A daemon's CPU includes its spawner's (lib.js readDaemonProc): say how much of it that is. */
function spawnerShare(r) {
  return r.spawnerCpuPercent > 0 ? ` (daemon + spawner ${fmtAuto(r.spawnerCpuPercent)}%)` : '';
}

function describe(r) {
  if (r.error !== undefined) return `error: ${r.error}`;
  const ready = r.readyMs > 0 ? `; ready in ${fmt(r.readyMs, 0)} ms` : '';
  return (
    `start late p50/p99/max ${fmtAuto(r.lateness.p50)}/${fmtAuto(r.lateness.p99)}/${fmtAuto(r.lateness.max)} ms ` +
    `(${r.starts}/${r.expected} starts); CPU ${fmtAuto(r.cpuPercent)}%${spawnerShare(r)}; ` +
    `RSS ${fmt(r.rssMb, 0)} MB${ready}`
  );
}
