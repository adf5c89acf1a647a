// Scenario 7: module tasks: worker start-up and empty-module runs per second (bench/scenarios/module-throughput.js).
import { runScenario } from '../lib.js';
import { fmt, fmtAuto, makeRow, ratio } from '../report.js';

export async function runModules({ seconds, inFlight, samples }, say) {
  const data = await runScenario('module-throughput', [seconds, inFlight, samples], { timeoutMs: 180_000 });
  if (data.error !== undefined) {
    say(`  error: ${data.error}`);
    return { data, rows: [makeRow({ scenario: '7', subject: 'module tasks', figures: `error: ${data.error}` })] };
  }
  const describe = (r) =>
    `${fmt(r.sequential.runsPerSec, 1)} runs/s 1 at a time, ${fmt(r.parallel.runsPerSec, 1)} with ${inFlight} ` +
    `in flight; ` +
    `start-up median ${fmtAuto(r.startupMs.median)} ms (p90 ${fmtAuto(r.startupMs.p90)})`;
  const versus = (r, limit) =>
    `runs/s ${ratio(r.sequential.runsPerSec, limit.sequential.runsPerSec)} / ` +
    `${ratio(r.parallel.runsPerSec, limit.parallel.runsPerSec)}; ` +
    `start-up ${ratio(r.startupMs.median, limit.startupMs.median)}`;
  for (const [label, r] of [
    ['bare worker', data.bareWorker],
    ['module task', data.module],
    ['function task', data.function],
  ])
    say(`  ${label.padEnd(14)} ${describe(r)}`);
  const rows = [
    makeRow({
      scenario: '7',
      subject: 'bare Worker + import (limit)',
      figures: describe(data.bareWorker),
      limit: 'limit',
    }),
    makeRow({
      scenario: '7',
      subject: 'taskkit module task (worker)',
      figures: describe(data.module),
      limit: versus(data.module, data.bareWorker),
      target: 'none set (issue 7 asks for the figures)',
    }),
    makeRow({
      scenario: '7',
      subject: 'taskkit function task (in process)',
      figures: describe(data.function),
      limit: versus(data.function, data.bareWorker),
    }),
  ];
  return { data, rows };
}
