// Scenario 6: CLI latency against `node -e 0` in the same run (bench/scenarios/cli-latency.js).
import { runScenario } from '../lib.js';
import { fmt, judge, makeRow, ratio } from '../report.js';

const TARGET_RATIO = 1.3;
const TARGETED = new Set(['taskkit list', 'taskkit run-now quick']);

export async function runCli({ rounds, tasks }, say) {
  const data = await runScenario('cli-latency', [rounds, tasks], { timeoutMs: 180_000 });
  if (data.error !== undefined) {
    say(`  error: ${data.error}`);
    return { data, rows: [makeRow({ scenario: '6', subject: 'CLI latency', figures: `error: ${data.error}` })] };
  }
  const bare = data.medians['node -e 0'];
  const rows = [];
  for (const [name, ms] of Object.entries(data.medians)) {
    say(`  ${name.padEnd(44)} ${fmt(ms).padStart(6)} ms  ${ratio(ms, bare)}`);
    const isLimit = name === 'node -e 0';
    rows.push(
      makeRow({
        scenario: '6',
        subject: isLimit
          ? 'node -e 0 (limit)'
          : `${name}${name.includes('list') ? ` (${tasks.toLocaleString('en')} tasks)` : ''}`,
        figures: `${fmt(ms, 1)} ms, median of ${data.runs}`,
        limit: isLimit ? 'limit' : ratio(ms, bare),
        target: TARGETED.has(name) ? `<= ${TARGET_RATIO}x the limit` : '',
        verdict: TARGETED.has(name)
          ? judge([
              {
                ok: ms <= TARGET_RATIO * bare,
                what: `${ratio(ms, bare)} (${fmt(ms - TARGET_RATIO * bare, 0)} ms over)`,
              },
            ])
          : null,
      }),
    );
  }
  return { data, rows };
}
