/**
 * The per-task families of /metrics, written straight into the exposition format (version 0.0.4)
 * rather than through prom-client's Gauge and Counter: with 10,000 tasks those are 70,000 series,
 * and prom-client's set() (a label hash per call) then format took 0.3-0.7 s of one event-loop
 * turn on the loaded bench machine, against ~10 ms here; every timer of the engine would wait
 * that long at each scrape. The tasks are read once per scrape and written in slices, yielding to
 * the event loop between slices, so a due timer fires in between. taskkit(1) METRICS documents them.
 */
import { isFailing } from '../control/failing.js';
import { ran, type RunFacts } from '../control/views.js';
import type { RunRecord } from '../engine/run.js';
import type { TaskStatus } from '../engine/task-state.js';

/** Tasks written per event-loop turn. */
const SLICE = 1000;

interface Family {
  readonly name: string;
  readonly type: 'gauge' | 'counter';
  readonly help: string;
}

const FAMILIES = {
  runs: {
    name: 'taskkit_runs_total',
    type: 'counter',
    help: 'Runs that ended, by task and final status, since the daemon started serving http.',
  },
  lastSuccess: {
    name: 'taskkit_task_last_success_timestamp_seconds',
    type: 'gauge',
    help: 'When a run of the task last succeeded (Unix time); absent when none is known.',
  },
  lastDuration: {
    name: 'taskkit_task_last_run_duration_seconds',
    type: 'gauge',
    help: "How long the task's last run that ran took; absent before its first.",
  },
  nextRun: {
    name: 'taskkit_task_next_run_timestamp_seconds',
    type: 'gauge',
    help: "The task's next scheduled instant (Unix time); absent when it has none (held, done, on demand).",
  },
  running: { name: 'taskkit_task_running', type: 'gauge', help: 'Runs of the task going now.' },
  held: {
    name: 'taskkit_task_held',
    type: 'gauge',
    help: '1 when the task is held (by hand or hold-after-failures), else 0.',
  },
  failing: {
    name: 'taskkit_task_failing',
    type: 'gauge',
    help: '1 when its last slot failed for good (as taskkit list and status --check say), else 0.',
  },
} as const satisfies Record<string, Family>;

type FamilyKey = keyof typeof FAMILIES;

/**
 * Statuses every task has a runs_total series for, 0 before the first: a series that appears at 1
 * is no increase to Prometheus, so `increase(taskkit_runs_total{status="failed"}[1h]) > 0` would
 * miss a task's first failure after each start (Prometheus' naming guide: avoid missing metrics).
 */
const ZERO_COUNTS: readonly (readonly [string, number])[] = [
  ['succeeded', 0],
  ['failed', 0],
];

/** Runs that ended, by task and status: counted from the engine's `run-finished`. */
export class RunCounts {
  readonly #counts = new Map<string, Map<string, number>>();

  count(run: Pick<RunRecord, 'task' | 'status'>): void {
    let statuses = this.#counts.get(run.task);
    if (statuses === undefined) this.#counts.set(run.task, (statuses = new Map<string, number>()));
    statuses.set(run.status, (statuses.get(run.status) ?? 0) + 1);
  }

  /** The task's counts by status (status order as first seen). */
  of(task: string): ReadonlyMap<string, number> | undefined {
    return this.#counts.get(task);
  }

  /** Forget tasks not in `present`: a removed task's series go with it. */
  keepOnly(present: ReadonlySet<string>): void {
    for (const task of this.#counts.keys()) if (!present.has(task)) this.#counts.delete(task);
  }
}

/**
 * The families' text for `tasks`, `lastRunOf` giving each one's last run that ran when the engine
 * has none (the history's, after a restart). Yields to the event loop every SLICE tasks.
 */
export async function writeTaskFamilies(
  tasks: readonly TaskStatus[],
  counts: RunCounts,
  lastRunOf: (task: TaskStatus) => RunFacts | null,
): Promise<string> {
  const lines: Record<FamilyKey, string[]> = {
    runs: [],
    lastSuccess: [],
    lastDuration: [],
    nextRun: [],
    running: [],
    held: [],
    failing: [],
  };
  for (let start = 0; start < tasks.length; start += SLICE) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const status of tasks.slice(start, start + SLICE)) {
      const label = `{task="${escapeLabel(status.name)}"}`;
      const ranLast = status.lastRun !== null && ran(status.lastRun) ? status.lastRun : lastRunOf(status);
      for (const [runStatus, count] of withZeros(counts.of(status.name)))
        lines.runs.push(`{task="${escapeLabel(status.name)}",status="${escapeLabel(runStatus)}"} ${count}`);
      if (status.lastSuccessAt !== null) lines.lastSuccess.push(`${label} ${status.lastSuccessAt / 1000}`);
      if (ranLast?.startedAt != null && ranLast.endedAt !== null)
        lines.lastDuration.push(`${label} ${(ranLast.endedAt - ranLast.startedAt) / 1000}`);
      if (status.nextAt !== null) lines.nextRun.push(`${label} ${status.nextAt / 1000}`);
      lines.running.push(`${label} ${status.running.length}`);
      lines.held.push(`${label} ${status.held ? 1 : 0}`);
      lines.failing.push(`${label} ${isFailing(status, ranLast) ? 1 : 0}`);
    }
  }
  let text = '';
  for (const key of Object.keys(FAMILIES) as FamilyKey[]) {
    const { name, type, help } = FAMILIES[key];
    text += `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
    for (const line of lines[key]) text += `${name}${line}\n`;
    text += '\n';
  }
  return text;
}

/** A task's counts by status, succeeded and failed first and 0 when it has none of them. */
function withZeros(counted: ReadonlyMap<string, number> | undefined): Map<string, number> {
  const all = new Map(ZERO_COUNTS);
  for (const [status, count] of counted ?? []) all.set(status, count);
  return all;
}

/** A label value as the format wants it: backslash, double quote and newline escaped. */
export function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (char) => (char === '\n' ? '\\n' : `\\${char}`));
}

function escapeHelp(value: string): string {
  return value.replace(/[\\\n]/g, (char) => (char === '\n' ? '\\n' : '\\\\'));
}
