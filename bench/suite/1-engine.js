// Scenario 1: engine precision in process (bench/scenarios/engine-precision.js), every subject at
// every size, each measurement in its own process.
import { runScenario } from '../lib.js';
import { fmt, fmtAuto, judge, makeRow, ratio } from '../report.js';

const SUBJECTS = ['bare', 'taskkit', 'node-cron', 'croner', 'toad'];
const PEERS = ['node-cron', 'croner', 'toad'];
/** Sizes judged against issue 20's target; the heap bound (issue 7) is judged at 10,000. */
const TARGET_SIZES = [1000, 10_000];
const HEAP_TARGET_SIZE = 10_000;

export async function runEngine({ sizes, seconds, warmup }, say) {
  const data = {};
  const rows = [];
  for (const n of sizes) {
    data[n] = {};
    for (const subject of SUBJECTS) {
      const window = seconds[n] ?? seconds.default;
      const result = await runScenario('engine-precision', [subject, n, window, warmup], {
        nodeArgs: ['--expose-gc'],
        timeoutMs: 120_000,
      });
      data[n][subject] = result;
      say(`  ${subject.padEnd(10)} N=${String(n).padEnd(6)} ${describe(result, n)}`);
    }
    rows.push(...rowsFor(n, data[n]));
  }
  return { data, rows };
}

function describe(r, n) {
  if (r.error !== undefined) return `error: ${r.error}`;
  const heap = n >= 1000 ? `; heap ${fmt(r.heapPerJobBytes, 0)} B/job` : '';
  return (
    `${fmt(r.completeness * 100, 1)}% complete; ` +
    `late p50/p99/max ${fmtAuto(r.lateness.p50)}/${fmtAuto(r.lateness.p99)}/${fmtAuto(r.lateness.max)} ms; ` +
    `CPU ${fmtAuto(r.cpuMsPerSec)} ms/s${heap}; RSS ${fmt(r.rssMb, 0)} MB`
  );
}

function rowsFor(n, results) {
  const bare = results.bare;
  const rows = [];
  for (const subject of SUBJECTS) {
    const r = results[subject];
    const base = {
      scenario: '1',
      subject: `${subject === 'bare' ? 'bare setTimeout (limit)' : subject}, N=${n.toLocaleString('en')}`,
      figures: describe(r, n),
    };
    if (subject === 'bare' || r.error !== undefined) {
      rows.push(makeRow({ ...base, limit: subject === 'bare' ? 'limit' : '' }));
      continue;
    }
    const limit = `p99 ${ratio(r.lateness.p99, bare.lateness?.p99)}; CPU ${ratio(r.cpuMsPerSec, bare.cpuMsPerSec)}`;
    if (subject !== 'taskkit') {
      rows.push(makeRow({ ...base, limit }));
      continue;
    }
    const peerP99 = PEERS.map((peer) => `${peer} ${ratio(r.lateness.p99, results[peer]?.lateness?.p99)}`).join(', ');
    const heapRatio = (peer) => `${peer} ${ratio(r.heapPerJobBytes, results[peer]?.heapPerJobBytes)}`;
    const peerHeap = n >= 1000 ? `; heap: ${PEERS.map(heapRatio).join(', ')}` : '';
    // Issue 20's target, at 1,000 and 10,000 tasks: 100% complete, p99 within 10 ms of the bare
    // timer's and at most a tenth of croner's, in the same run; issue 7's heap bound at 10,000.
    const judged = TARGET_SIZES.includes(n);
    const croner = results.croner?.lateness?.p99;
    const bareP99 = bare.lateness?.p99;
    const heapBound = n === HEAP_TARGET_SIZE;
    rows.push(
      makeRow({
        ...base,
        limit,
        peers: `p99: ${peerP99}${peerHeap}`,
        target: judged
          ? `100% complete, p99 <= bare + 10 ms, p99 <= croner/10${heapBound ? ', heap < 3 KB/task' : ''}`
          : '(at N=1,000 and 10,000)',
        verdict: judged
          ? judge([
              { ok: r.completeness >= 1, what: `${fmt(r.completeness * 100, 2)}% complete` },
              {
                ok: Number.isFinite(bareP99) ? r.lateness.p99 <= bareP99 + 10 : undefined,
                what: `p99 ${fmtAuto(r.lateness.p99)} ms vs bare ${fmtAuto(bareP99)} + 10 ms`,
              },
              {
                ok: Number.isFinite(croner) ? r.lateness.p99 <= croner / 10 : undefined,
                what: `p99 is ${ratio(r.lateness.p99, croner)} croner's (target <= 0.1x)`,
              },
              ...(heapBound
                ? [{ ok: r.heapPerJobBytes < 3072, what: `heap ${fmt(r.heapPerJobBytes, 0)} B/task` }]
                : []),
            ])
          : null,
      }),
    );
  }
  return rows;
}
