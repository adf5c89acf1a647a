/**
 * The cluster harness's counting on synthetic rows: a clean window passes, and each failure it is
 * there to catch (a gap, a duplicate start, a run without a claim, an interrupt on a live host, an
 * early retry, an early start) is caught. The harness's real scenarios are only as good as this.
 */
import { describe, expect, test } from 'vitest';
import { countRuns, describeCount, parseEffects, problemsOf, type CountInput, type RunRow } from './counting.js';

const T0 = Date.parse('2026-12-03T16:00:00Z');
const SECOND = 1000;

function row(task: string, at: number, overrides: Partial<RunRow> = {}): RunRow {
  return {
    id: Math.round(at / 10) + task.length,
    task,
    trigger: 'schedule',
    scheduledAt: at,
    attempt: 1,
    status: 'succeeded',
    hostId: 'host-a',
    scopeHost: null,
    createdAt: at + 20,
    startedAt: at + 20,
    ...overrides,
  };
}

function line(task: string, at: number, attempt = 1, who = 'box-1'): string {
  return `${task} ${new Date(at).toISOString()} ${attempt} ${who}`;
}

/** Ten seconds of two every-1s tasks, each instant run once by alternating hosts. */
function cleanWindow(): { runs: RunRow[]; effects: string[] } {
  const runs: RunRow[] = [];
  const effects: string[] = [];
  for (let i = 0; i < 10; i++) {
    for (const task of ['t01', 't02']) {
      const host = i % 2 === 0 ? 'host-a' : 'host-b';
      runs.push(row(task, T0 + i * SECOND, { hostId: host, createdAt: T0 + i * SECOND + 10 + i }));
      effects.push(line(task, T0 + i * SECOND, 1, host === 'host-a' ? 'box-1' : 'box-2'));
    }
  }
  return { runs, effects };
}

function input(runs: RunRow[], effects: string[], more: Partial<CountInput> = {}): CountInput {
  return {
    tasks: [
      { name: 't01', everyMs: SECOND },
      { name: 't02', everyMs: SECOND },
    ],
    from: T0,
    to: T0 + 9 * SECOND,
    effects: parseEffects(effects.join('\n')).lines,
    runs,
    hosts: [
      { hostId: 'host-a', pid: 1, state: 'live', leaseUntil: T0 + 20 * SECOND, endedAt: null, endReason: null },
      { hostId: 'host-b', pid: 2, state: 'live', leaseUntil: T0 + 20 * SECOND, endedAt: null, endReason: null },
    ],
    ...more,
  };
}

describe('cluster counting', () => {
  test('a clean window: 20 instants, no problem, lateness from created_at', () => {
    const { runs, effects } = cleanWindow();
    const result = countRuns(input(runs, effects));
    expect(result.instants).toBe(20);
    expect(problemsOf(result)).toEqual([]);
    expect(result.lateness).toEqual({ n: 20, p50: 14, p99: 19, max: 19 });
    expect(describeCount(result)).toMatch(/^20 instants: 0 duplicates, 0 gaps/);
  });

  test('an instant with no attempt-1 row is a gap; inside an excused span it is reported apart', () => {
    const { runs, effects } = cleanWindow();
    const missing = runs.filter((run) => !(run.task === 't02' && run.scheduledAt === T0 + 4 * SECOND));
    const result = countRuns(input(missing, effects));
    expect(result.gaps).toEqual(['t02 2026-12-03T16:00:04.000Z']);
    expect(problemsOf(result)[0]).toMatch(/^1 gaps: t02 2026-12-03T16:00:04.000Z/);
    const excused = countRuns(
      input(missing, effects, { excused: [{ from: T0 + 3 * SECOND, to: T0 + 5 * SECOND, why: 'restart' }] }),
    );
    expect(excused.gaps).toEqual([]);
    expect(excused.excusedGaps).toEqual(['t02 2026-12-03T16:00:04.000Z (restart)']);
    expect(problemsOf(excused).some((problem) => problem.startsWith('1 starts without a claimed row'))).toBe(true);
  });

  test('a missing instant at the edge of the window is a gap too (the grid does not start at the first row)', () => {
    const { runs, effects } = cleanWindow();
    const result = countRuns(
      input(
        runs.filter((run) => run.scheduledAt !== T0),
        effects.slice(2),
      ),
    );
    expect(result.gaps).toEqual(['t01 2026-12-03T16:00:00.000Z', 't02 2026-12-03T16:00:00.000Z']);
  });

  test('two start lines of one (task, instant, attempt) are a duplicate, whoever wrote them', () => {
    const { runs, effects } = cleanWindow();
    const result = countRuns(input(runs, [...effects, line('t01', T0 + 7 * SECOND, 1, 'box-3')]));
    expect(result.duplicateStarts).toEqual(['t01 2026-12-03T16:00:07.000Z #1 by box-2, box-3']);
    expect(describeCount(result)).toMatch(/1 duplicates, 0 gaps/);
  });

  test('two attempt-1 rows of an instant are reported (the unique index must prevent them)', () => {
    const { runs, effects } = cleanWindow();
    const result = countRuns(input([...runs, row('t01', T0 + SECOND, { id: 999, hostId: 'host-b' })], effects));
    expect(result.duplicateRows).toEqual(['t01 2026-12-03T16:00:01.000Z']);
  });

  test('a start line whose row is skipped or absent ran without a claim', () => {
    const { runs, effects } = cleanWindow();
    const skipped = runs.map((run) =>
      run.task === 't01' && run.scheduledAt === T0 + 2 * SECOND ? { ...run, status: 'skipped' } : run,
    );
    const result = countRuns(input(skipped, effects));
    expect(result.unclaimedStarts).toEqual(['t01 2026-12-03T16:00:02.000Z #1']);
    expect(result.skipped).toBe(1);
    expect(result.lateness.n).toBe(19);
  });

  test('an interrupted row of a host that was not killed is a failure; of the killed host it is not', () => {
    const { runs, effects } = cleanWindow();
    const cut = runs.map((run) =>
      run.task === 't02' && run.scheduledAt === T0 + 3 * SECOND ? { ...run, status: 'interrupted' } : run,
    );
    expect(countRuns(input(cut, effects)).strayInterrupts).toEqual(['t02 2026-12-03T16:00:03.000Z #1 on host-b']);
    expect(countRuns(input(cut, effects, { killedHostIds: ['host-b'] })).strayInterrupts).toEqual([]);
  });

  test('a retry must start at or after the dead host lease end + kill-after', () => {
    const { runs, effects } = cleanWindow();
    const at = T0 + 3 * SECOND;
    const leaseUntil = T0 + 8 * SECOND;
    const cut = runs.map((run) =>
      run.task === 't02' && run.scheduledAt === at ? { ...run, status: 'interrupted' } : run,
    );
    const hosts: CountInput['hosts'] = [
      { hostId: 'host-b', pid: 2, state: 'dead', leaseUntil, endedAt: leaseUntil + 500, endReason: 'lease expired' },
    ];
    const retry = (startedAt: number): RunRow =>
      row('t02', at, { id: 5000, attempt: 2, trigger: 'retry', hostId: 'host-a', createdAt: leaseUntil, startedAt });
    const more = { hosts, killedHostIds: ['host-b'], killAfterMs: SECOND };
    const early = countRuns(input([...cut, retry(leaseUntil + 400)], effects, more));
    expect(early.earlyRetries).toEqual(['t02 2026-12-03T16:00:03.000Z #2 600 ms early']);
    expect(early.retries).toBe(1);
    const onTime = countRuns(input([...cut, retry(leaseUntil + SECOND)], effects, more));
    expect(onTime.earlyRetries).toEqual([]);
    expect(problemsOf(onTime)).toEqual([]);
  });

  test('a run that started before its instant is an early start (beyond the tolerance)', () => {
    const { runs, effects } = cleanWindow();
    const at = T0 + 6 * SECOND;
    const early = runs.map((run) =>
      run.task === 't01' && run.scheduledAt === at ? { ...run, startedAt: at - 900 } : run,
    );
    expect(countRuns(input(early, effects)).earlyStarts).toEqual([
      't01 2026-12-03T16:00:06.000Z #1 started 900 ms early',
    ]);
    expect(countRuns(input(early, effects, { earlyToleranceMs: 1000 })).earlyStarts).toEqual([]);
  });

  test('an every-2s task is counted on the phase of its rows', () => {
    const runs = [0, 2, 6].map((s) => row('slow', T0 + 1000 + s * SECOND));
    const effects = runs.map((run) => line('slow', run.scheduledAt ?? 0));
    const result = countRuns(
      input(runs, effects, { tasks: [{ name: 'slow', everyMs: 2 * SECOND }], to: T0 + 8 * SECOND }),
    );
    expect(result.instants).toBe(4);
    expect(result.gaps).toEqual(['slow 2026-12-03T16:00:05.000Z']);
  });

  test('torn or foreign lines of effects.log are set apart, not counted', () => {
    const parsed = parseEffects(`${line('t01', T0)}\nt01 2026-12-03T16:00\n\nt02 garbage 1 box-1\n`);
    expect(parsed.lines).toHaveLength(1);
    expect(parsed.malformed).toEqual(['t01 2026-12-03T16:00', 't02 garbage 1 box-1']);
  });
});
