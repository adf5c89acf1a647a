// Scenario 5: throughput of `true` through the daemon against a raw spawn loop (bench/scenarios/throughput.js).
import { runScenario } from '../lib.js';
import { fmt, judge, makeRow, ratio } from '../report.js';

const TARGET_SHARE = 0.9;

export async function runThroughput({ concurrency, runs }, say) {
  const data = {};
  const rows = [];
  for (const c of concurrency) {
    // The limit first, then taskkit, per concurrency: drift on a shared machine hits pairs alike.
    const raw = await runScenario('throughput', ['raw', c, runs], { timeoutMs: 120_000 });
    say(`  raw spawn loop, ${c} in flight: ${describe(raw)}`);
    const taskkit = await runScenario('throughput', ['taskkit', c, runs], { timeoutMs: 300_000 });
    say(`  taskkit, max-concurrent ${c}:   ${describe(taskkit)}`);
    data[c] = { raw, taskkit };
    const share = taskkit.runsPerSec / raw.runsPerSec;
    rows.push(
      makeRow({
        scenario: '5',
        subject: `raw spawn loop (limit), ${c} in flight`,
        figures: describe(raw),
        limit: 'limit',
      }),
    );
    rows.push(
      makeRow({
        scenario: '5',
        subject: `taskkit start -f, max-concurrent ${c}, history on`,
        figures: describe(taskkit),
        limit:
          `runs/s ${ratio(taskkit.runsPerSec, raw.runsPerSec)}; ` +
          `CPU/run ${ratio(taskkit.cpuMsPerRun, raw.cpuMsPerRun)}`,
        target: `>= ${TARGET_SHARE * 100}% of the limit`,
        verdict: judge([
          {
            ok: Number.isFinite(share) ? share >= TARGET_SHARE : undefined,
            what: `${fmt(share * 100, 1)}% of the limit`,
          },
        ]),
      }),
    );
  }
  return { data, rows };
}

function describe(r) {
  if (r.error !== undefined) return `error: ${r.error}`;
  // A daemon's CPU includes its spawner's (lib.js readDaemonProc): say how much of it that is.
  const whose = r.mode === 'raw' ? ' (the loop)' : ` (daemon + spawner ${fmt(r.spawnerCpuMsPerRun ?? 0, 2)})`;
  return (
    `${fmt(r.runsPerSec, 0)} runs/s (${r.runs} runs${r.failed ? `, ${r.failed} failed` : ''}); ` +
    `CPU ${fmt(r.cpuMsPerRun, 2)} ms/run${whose}`
  );
}
