/**
 * `/metrics` (issue 19.2): the Prometheus exposition of the daemon, through prom-client on a
 * private Registry (never the global one: a library embedding taskkit keeps its own). The task
 * gauges are computed when scraped, from the engine's state, so the engine pays nothing between
 * scrapes; the run counter and the lateness histogram follow the engine's events, counting from
 * when the daemon first served http (its start, or the reload that turned `http:` on). taskkit(1)
 * METRICS documents every name.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isFailing } from '../control/failing.js';
import { ran, type RunFacts } from '../control/views.js';
import type { EngineEventName, EngineListener } from '../engine/events.js';
import type { RunRecord } from '../engine/run.js';
import type { TaskStatus } from '../engine/task-state.js';

/** What the metrics read of the engine. */
export interface MetricsSource {
  list(): TaskStatus[];
  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void;
  /** The task's last run that ran, from the history, when the engine has none yet (after a restart). */
  storedLastRun?(task: string): RunFacts | null;
}

/** From a millisecond late to minutes (a stalled loop, a suspended machine). */
const LATENESS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export interface DaemonMetrics {
  /** The exposition text, task gauges computed now. */
  render(): Promise<{ readonly contentType: string; readonly body: string }>;
  /** Stop following the engine (the daemon stops). */
  close(): void;
}

export function createDaemonMetrics(source: MetricsSource): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const task = ['task'] as const;
  const gauge = (name: string, help: string): Gauge<'task'> =>
    new Gauge({ name, help, labelNames: task, registers: [registry] });
  const up = new Gauge({ name: 'taskkit_up', help: 'Whether the taskkit daemon is up (always 1 when scraped).' });
  registry.registerMetric(up);
  up.set(1);
  const runs = new Counter({
    name: 'taskkit_runs_total',
    help: 'Runs that ended, by task and final status, since the daemon started serving http.',
    labelNames: ['task', 'status'] as const,
    registers: [registry],
  });
  const lateness = new Histogram({
    name: 'taskkit_fire_lateness_seconds',
    help: "Seconds from a scheduled instant to the engine's firing of it (first attempts of scheduled runs).",
    buckets: LATENESS_BUCKETS,
    registers: [registry],
  });
  const lastSuccess = gauge(
    'taskkit_task_last_success_timestamp_seconds',
    'When a run of the task last succeeded (Unix time); absent when none is known.',
  );
  const lastDuration = gauge(
    'taskkit_task_last_run_duration_seconds',
    "How long the task's last run that ran took; absent before its first.",
  );
  const nextRun = gauge(
    'taskkit_task_next_run_timestamp_seconds',
    "The task's next scheduled instant (Unix time); absent when it has none (held, done, on demand).",
  );
  const running = gauge('taskkit_task_running', 'Runs of the task going now.');
  const held = gauge('taskkit_task_held', '1 when the task is held (by hand or hold-after-failures), else 0.');
  const failing = gauge(
    'taskkit_task_failing',
    '1 when its last slot failed for good (as taskkit list and status --check say), else 0.',
  );
  const taskGauges = [lastSuccess, lastDuration, nextRun, running, held, failing];

  // Statuses seen per task, so that a removed task's counters go with it.
  const counted = new Map<string, Set<string>>();
  const onFinished = (run: RunRecord): void => {
    runs.inc({ task: run.task, status: run.status });
    let statuses = counted.get(run.task);
    if (statuses === undefined) counted.set(run.task, (statuses = new Set()));
    statuses.add(run.status);
  };
  const onStarted = (run: RunRecord): void => {
    if (run.trigger !== 'schedule' || run.attempt !== 1 || run.scheduledAt === null) return;
    lateness.observe(Math.max(0, run.createdAt - run.scheduledAt) / 1000);
  };
  const unsubscribe = [source.on('run-finished', onFinished), source.on('run-started', onStarted)];

  const refresh = (): void => {
    for (const each of taskGauges) each.reset();
    const tasks = source.list();
    const present = new Set<string>();
    for (const status of tasks) {
      const labels = { task: status.name };
      present.add(status.name);
      const last =
        status.lastRun !== null && ran(status.lastRun) ? status.lastRun : (source.storedLastRun?.(status.name) ?? null);
      if (status.lastSuccessAt !== null) lastSuccess.set(labels, status.lastSuccessAt / 1000);
      if (last?.startedAt != null && last.endedAt !== null)
        lastDuration.set(labels, (last.endedAt - last.startedAt) / 1000);
      if (status.nextAt !== null) nextRun.set(labels, status.nextAt / 1000);
      running.set(labels, status.running.length);
      held.set(labels, status.held ? 1 : 0);
      failing.set(labels, isFailing(status, last) ? 1 : 0);
    }
    for (const [name, statuses] of counted) {
      if (present.has(name)) continue;
      for (const status of statuses) runs.remove({ task: name, status });
      counted.delete(name);
    }
  };

  return {
    async render() {
      refresh();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    close() {
      for (const off of unsubscribe) off();
    },
  };
}
