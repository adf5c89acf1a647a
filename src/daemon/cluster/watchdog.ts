/**
 * The watchdog (../shared/CLUSTER.md section 8): every 30 s, each cluster task's instants that are
 * past their deadline and have no row in `run` (no host claimed them: every host down, fenced or
 * with another definition) are logged once each and listed in `status`.
 *
 * An instant is past its deadline at `deadline:` after it; a task without one could still be
 * claimed late, so its bound is jitter + lease + gone-after: by then a live host has claimed it,
 * or a host that won it and froze has been fenced, and a claimant that died left its row anyway.
 * Only instants since this host watches the task count (its start, the end of a hold, a reschedule
 * or a new definition: instants before are another schedule's or were passed on purpose), and at
 * most the last hour of them. The instants are the ones the engine may run (the rule of
 * schedule/task-instants.ts with the task's `until:` and `except:` calendars), so an instant no
 * host was meant to run is never reported.
 */
import type { TaskSpec } from '../../config/types.js';
import type { MissedInstantView } from '../../control/cluster-view.js';
import type { Scheduler } from '../../engine/scheduler.js';
import type { TaskStatus } from '../../engine/task-state.js';
import { buildExclusion } from '../../schedule/excluded-dates.js';
import { compileSchedule } from '../../schedule/next.js';
import { nextTaskInstant, type TaskTiming } from '../../schedule/task-instants.js';
import type { Instant } from '../../schedule/types.js';
import type { Logger } from '../log.js';
import type { ClusterDb } from './cluster-db.js';
import type { TaskRows } from './task-rows.js';

const CHECK_EVERY_MS = 30_000;
const LOOKBACK_MS = 60 * 60_000;
/** Instants asked per task and check (a task every second looks back over its last ~minute). */
const MAX_INSTANTS = 64;

export interface WatchdogOptions {
  readonly db: Pick<ClusterDb, 'instantsWithRows'>;
  readonly engine: Pick<Scheduler, 'list' | 'on'>;
  readonly rows: TaskRows;
  readonly fingerprintOf: (spec: TaskSpec) => string;
  readonly isHostScoped: (spec: TaskSpec) => boolean;
  /** jitter + lease + gone-after is the bound for a task without `deadline:`. */
  readonly leaseMs: number;
  readonly goneAfterMs: number;
  readonly now: () => Instant;
  readonly log: Logger;
  /** Tests: no timer; they call check(). */
  readonly timer?: boolean;
}

export interface Watchdog {
  /** The missed instants found by the last check, oldest first. */
  missed(): readonly MissedInstantView[];
  check(): Promise<void>;
  stop(): void;
}

/** What a task's instants were watched under; a change starts a new watch. */
interface Watch {
  readonly since: Instant;
  readonly key: string;
}

export function startWatchdog(options: WatchdogOptions): Watchdog {
  const { db, engine, rows, log } = options;
  const watches = new Map<string, Watch>();
  const logged = new Set<string>();
  let missed: MissedInstantView[] = [];

  const keyOf = (status: TaskStatus): string =>
    JSON.stringify([status.held, status.schedule, options.fingerprintOf(status.spec)]);
  /** The instant from which the task's instants count, restarted when its hold, schedule or definition changes. */
  const watchOf = (status: TaskStatus): Instant => {
    const key = keyOf(status);
    const watch = watches.get(status.name);
    if (watch?.key === key) return watch.since;
    const since = options.now();
    watches.set(status.name, { since, key });
    return since;
  };
  const unsubscribe = engine.on('task-changed', (status) => void watchOf(status));
  for (const status of engine.list()) watchOf(status);

  const graceOf = (spec: TaskSpec): number => spec.deadlineMs ?? spec.jitterMs + options.leaseMs + options.goneAfterMs;

  const watched = (status: TaskStatus): boolean => {
    if (status.held || options.isHostScoped(status.spec)) return false;
    if (status.schedule.kind === 'on-demand' || status.schedule.kind === 'reboot') return false;
    // Another definition is in force: its publisher's watchdog knows its instants, this host does not.
    return rows.get(status.name)?.fingerprint === options.fingerprintOf(status.spec);
  };

  const instantsOf = (status: TaskStatus, from: Instant, to: Instant): Instant[] => {
    const { spec } = status;
    // The instants the engine may run (schedule/task-instants.ts): none at or after `until:`, none on
    // a date `except:` excludes (no host runs those; at most one calendar-skipped row tells of them).
    const timing: TaskTiming = {
      schedule: compileSchedule(status.schedule, spec.timezone),
      until: spec.until,
      runsLeft: Infinity,
      lastScheduledAt: null,
      exclusion: buildExclusion(spec.except, spec.timezone),
    };
    const out: Instant[] = [];
    let at = nextTaskInstant(timing, from - 1);
    while (at !== null && at <= to && out.length < MAX_INSTANTS) {
      out.push(at);
      at = nextTaskInstant(timing, at);
    }
    return out;
  };

  const check = async (): Promise<void> => {
    const now = options.now();
    const found: MissedInstantView[] = [];
    for (const status of engine.list()) {
      if (!watched(status)) continue;
      const grace = graceOf(status.spec);
      const from = Math.max(watchOf(status), now - LOOKBACK_MS);
      const instants = instantsOf(status, from, now - grace);
      if (instants.length === 0) continue;
      let withRows: Set<Instant>;
      try {
        withRows = await db.instantsWithRows(status.name, instants);
      } catch {
        return; // PostgreSQL is away (the liveness loop says so): keep the last list.
      }
      for (const at of instants) {
        if (withRows.has(at)) continue;
        const view = { task: status.name, scheduledAt: iso(at), deadlineAt: iso(at + grace) };
        found.push(view);
        const key = `${status.name}@${at}`;
        if (logged.has(key)) continue;
        logged.add(key);
        log(
          'warn',
          `cluster watchdog: ${status.name} at ${view.scheduledAt} has no run on any host (past ${view.deadlineAt})`,
        );
      }
    }
    missed = found.sort((x, y) => x.scheduledAt.localeCompare(y.scheduledAt));
    // Forget what fell out of the look-back: the set stays bounded.
    for (const key of logged) if (Number(key.slice(key.lastIndexOf('@') + 1)) < now - LOOKBACK_MS) logged.delete(key);
  };

  const timer = options.timer === false ? undefined : setInterval(() => void check(), CHECK_EVERY_MS).unref();
  return {
    missed: () => missed,
    check,
    stop: () => {
      clearInterval(timer);
      unsubscribe();
    },
  };
}

const iso = (at: Instant): string => new Date(at).toISOString();
