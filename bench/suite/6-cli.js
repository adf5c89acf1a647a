// Scenario 6: CLI latency against `node -e 0` in the same run (bench/scenarios/cli-latency.js).
// `list` and `run-now` are judged twice: issue 7's target (1.3x) and issue 20.3's (1.5x, the bundled CLI);
// `__complete tasks` (shell completion of task names) against issue 20.3's absolute 100 ms.
import { runScenario } from '../lib.js';
import { beyond, fmt, judge, makeRow, ratio } from '../report.js';

const TARGET_RATIO = 1.3;
const ISSUE_20_RATIO = 1.5;
const TARGETED = new Set(['taskkit list', 'taskkit run-now quick']);
const WHOLE = 'whole process vs node -e 0 (issue 20.3)';
const COMPLETION = 'taskkit __complete tasks';
const COMPLETION_MS = 100;

export async function runCli({ rounds, tasks }, say) {
  const data = await runScenario('cli-latency', [rounds, tasks], { timeoutMs: 180_000 });
  if (data.error !== undefined) {
    say(`  error: ${data.error}`);
    return { data, rows: [makeRow({ scenario: '6', subject: 'CLI latency', figures: `error: ${data.error}` })] };
  }
  const bare = data.medians['node -e 0'];
  // CPU (the mean over the rounds, from /proc; absent elsewhere): what a loaded machine distorts least.
  const bareCpu = data.cpuMeans?.['node -e 0'] ?? null;
  const cpuOf = (name) => {
    const cpu = data.cpuMeans?.[name] ?? null;
    return cpu === null || bareCpu === null ? '' : `; CPU ${fmt(cpu, 1)} ms (mean), ${ratio(cpu, bareCpu)}`;
  };
  const rows = [];
  for (const [name, ms] of Object.entries(data.medians)) {
    say(`  ${name.padEnd(44)} ${fmt(ms).padStart(6)} ms  ${ratio(ms, bare)}${cpuOf(name)}`);
    const isLimit = name === 'node -e 0';
    rows.push(
      makeRow({
        scenario: '6',
        subject: isLimit
          ? 'node -e 0 (limit)'
          : `${name}${name.includes('list') ? ` (${tasks.toLocaleString('en')} tasks)` : ''}`,
        figures: `${fmt(ms, 1)} ms, median of ${data.runs}${cpuOf(name)}`,
        limit: isLimit ? 'limit' : ratio(ms, bare),
        target: TARGETED.has(name)
          ? `<= ${TARGET_RATIO}x the limit`
          : name === COMPLETION
            ? `< ${COMPLETION_MS} ms`
            : '',
        verdict: TARGETED.has(name)
          ? judge([
              {
                ok: ms <= TARGET_RATIO * bare,
                what: `${ratio(ms, bare)} (${beyond(ms - TARGET_RATIO * bare)})`,
              },
            ])
          : name === COMPLETION
            ? judge([{ ok: ms < COMPLETION_MS, what: `${fmt(ms, 1)} ms (target < ${COMPLETION_MS} ms, issue 20.3)` }])
            : null,
      }),
    );
    if (TARGETED.has(name))
      rows.push(
        makeRow({
          scenario: '6',
          subject: `${name}${name.includes('list') ? ` (${tasks.toLocaleString('en')} tasks)` : ''}, ${WHOLE}`,
          figures: `${fmt(ms, 1)} ms, median of ${data.runs}`,
          limit: ratio(ms, bare),
          target: `<= ${ISSUE_20_RATIO}x the limit`,
          verdict: judge([
            {
              ok: ms <= ISSUE_20_RATIO * bare,
              what: `${ratio(ms, bare)} (${beyond(ms - ISSUE_20_RATIO * bare)})`,
            },
          ]),
        }),
      );
  }
  return { data, rows };
}
