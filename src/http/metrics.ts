/**
 * `/metrics` (issue 19.2): the Prometheus exposition of the daemon. prom-client, on a private
 * Registry (never the global one: a library embedding taskkit keeps its own), has the process's
 * default metrics, `taskkit_up` and the lateness histogram; the per-task families are written by
 * task-metrics.ts (prom-client's own Gauge stalled the engine for 0.3-0.7 s per scrape of 10,000
 * tasks). The task gauges are computed when scraped, from the engine's state, so the engine pays
 * nothing between scrapes; the run counter and the lateness histogram follow the engine's events,
 * counting from when the daemon first served http (its start, or the reload that turned `http:`
 * on). taskkit(1) METRICS documents every name.
 */
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RunFacts } from '../control/views.js';
import type { EngineEventName, EngineListener } from '../engine/events.js';
import type { RunRecord } from '../engine/run.js';
import type { TaskStatus } from '../engine/task-state.js';
import { RunCounts, writeTaskFamilies } from './task-metrics.js';

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
  const up = new Gauge({
    name: 'taskkit_up',
    help: 'Whether the taskkit daemon is up (always 1 when scraped).',
    registers: [registry],
  });
  up.set(1);
  const lateness = new Histogram({
    name: 'taskkit_fire_lateness_seconds',
    help: "Seconds from a scheduled instant to the engine's firing of it (first attempts of scheduled runs).",
    buckets: LATENESS_BUCKETS,
    registers: [registry],
  });
  const counts = new RunCounts();
  const onStarted = (run: RunRecord): void => {
    if (run.trigger !== 'schedule' || run.attempt !== 1 || run.scheduledAt === null) return;
    lateness.observe(Math.max(0, run.createdAt - run.scheduledAt) / 1000);
  };
  const unsubscribe = [source.on('run-finished', (run) => counts.count(run)), source.on('run-started', onStarted)];
  const lastRunOf = (task: TaskStatus): RunFacts | null => source.storedLastRun?.(task.name) ?? null;

  return {
    async render() {
      const tasks = source.list();
      counts.keepOnly(new Set(tasks.map((task) => task.name)));
      const families = await writeTaskFamilies(tasks, counts, lastRunOf);
      return { contentType: registry.contentType, body: `${await registry.metrics()}\n${families}` };
    },
    close() {
      for (const off of unsubscribe) off();
    },
  };
}
