// Scenario 11 (issue 20.5): load held (bench/scenarios/load-held.js). The window is split in two
// halves run in the order limit, taskkit, taskkit, limit, so that a burst of load from other users
// of a shared machine falls on both sides alike; the samples and the counts are pooled.
import { runScenario, summarize } from '../lib.js';
import { fmt, fmtAuto, judge, makeRow, ratio } from '../report.js';

const MAX_RATIO = 2;

export async function runLoadHeld({ rate, seconds }, say) {
  const order = ['bare', 'taskkit', 'taskkit', 'bare'];
  const part = Math.max(2, Math.round(seconds / 2));
  const parts = { bare: [], taskkit: [] };
  for (const mode of order) {
    const result = await runScenario('load-held', [mode, rate, part], { timeoutMs: 120_000 + part * 1000 });
    parts[mode].push(result);
    say(`  ${mode === 'bare' ? 'bare timer' : 'taskkit   '} (${part} s): ${describe(result)}`);
  }
  const bare = pool(parts.bare);
  const taskkit = pool(parts.taskkit);
  const p99Ratio = taskkit.lateness?.p99 / bare.lateness?.p99;
  const rows = [
    makeRow({
      scenario: '11',
      subject: `bare timer + spawn (limit), ${rate}/s`,
      figures: describe(bare),
      limit: 'limit',
    }),
    makeRow({
      scenario: '11',
      subject: `taskkit start -f, ${rate} runs/s for ${part * 2} s`,
      figures: describe(taskkit),
      limit:
        `p99 ${ratio(taskkit.lateness?.p99, bare.lateness?.p99)}; ` +
        `p50 ${ratio(taskkit.lateness?.p50, bare.lateness?.p50)}`,
      target: `p99 <= ${MAX_RATIO}x the limit's, 0 lost`,
      verdict: judge([
        {
          ok: Number.isFinite(p99Ratio) ? p99Ratio <= MAX_RATIO : undefined,
          what: `p99 ${fmt(p99Ratio, 2)}x the limit's`,
        },
        {
          ok: taskkit.lost === 0 && taskkit.duplicated === 0,
          what: `${taskkit.lost} lost, ${taskkit.duplicated} twice`,
        },
      ]),
    }),
  ];
  return { data: { bare, taskkit, parts }, rows };
}

/** The halves of one subject as one result: samples and counts pooled, CPU and RSS averaged. */
function pool(results) {
  const failed = results.find((r) => r.error !== undefined);
  if (failed !== undefined) return failed;
  const samples = results.flatMap((r) => r.samples);
  const sum = (key) => results.reduce((total, r) => total + r[key], 0);
  return {
    starts: samples.length,
    expected: sum('expected'),
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    lateness: summarize(samples),
    cpuPercent: sum('cpuPercent') / results.length,
    spawnerCpuPercent: sum('spawnerCpuPercent') / results.length,
    rssMb: sum('rssMb') / results.length,
  };
}

/** A daemon's CPU includes its spawner's (lib.js readDaemonProc): say how much of it that is. */
function spawnerShare(r) {
  return r.spawnerCpuPercent > 0 ? ` (daemon + spawner ${fmtAuto(r.spawnerCpuPercent)}%)` : '';
}

function describe(r) {
  if (r.error !== undefined) return `error: ${r.error}`;
  return (
    `start late p50/p99/max ${fmtAuto(r.lateness.p50)}/${fmtAuto(r.lateness.p99)}/${fmtAuto(r.lateness.max)} ms ` +
    `(${r.starts}/${r.expected} runs, ${r.lost} lost, ${r.duplicated} twice); ` +
    `CPU ${fmtAuto(r.cpuPercent)}%${spawnerShare(r)}; RSS ${fmt(r.rssMb, 0)} MB`
  );
}
