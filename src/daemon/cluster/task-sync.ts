/**
 * Holds, resumes and reschedules across hosts (../shared/CLUSTER.md section 5), both ways:
 * - out: a change made here (the control socket, an auto-hold) shows in the engine's
 *   `task-changed`; when the engine's hold or reschedule differs from the task row, the row is
 *   updated with its NOTIFY in one transaction, then read back;
 * - in: a notification `{"k":"task","name":...}` (or a resync, every 30 s and after every
 *   reconnect: rows whose revision is above the last seen) re-reads the row and applies it to the
 *   engine, which writes nothing back since the engine then agrees with the row.
 * Correctness never rests on a notification: a missed hold is still refused by the claim (`held`).
 */
import { isDeepStrictEqual } from 'node:util';
import { userInfo } from 'node:os';
import type { TaskSpec } from '../../config/types.js';
import type { Scheduler } from '../../engine/scheduler.js';
import type { TaskStatus } from '../../engine/task-state.js';
import { checkScheduleSpec } from '../../schedule/spec-check.js';
import type { Instant, ScheduleSpec } from '../../schedule/types.js';
import type { Logger } from '../log.js';
import type { ClusterDb, ControlChange, TaskRow } from './cluster-db.js';
import type { TaskRows } from './task-rows.js';

type Engine = Pick<Scheduler, 'on' | 'has' | 'get' | 'hold' | 'resume' | 'reschedule' | 'runsInFlight' | 'cancelRun'>;

export interface TaskSyncOptions {
  readonly db: Pick<ClusterDb, 'readTask' | 'readTasks' | 'control'>;
  readonly engine: Engine;
  readonly rows: TaskRows;
  readonly fingerprintOf: (spec: TaskSpec) => string;
  readonly hostname: string;
  readonly now: () => Instant;
  readonly log: Logger;
}

export interface TaskSync {
  /** A LISTEN payload. */
  notified(payload: string): void;
  /** Re-read one task's row and apply it (a claim said it changed). */
  refresh(task: string): void;
  /** Read the rows changed since the last revision seen and apply them. */
  resync(): Promise<void>;
  /**
   * The write of this host's last change of `task` to its row: resolves once committed (at once
   * when nothing is being written), rejects with the database's error; the write is then retried.
   */
  committed(task: string): Promise<void>;
  stop(): void;
}

const RESYNC_EVERY_MS = 30_000;
/** A change not written (PostgreSQL down) is written again this often, and at every resync. */
const REWRITE_EVERY_MS = 5_000;

/** The engine's hold and reschedule as a row would say them. */
interface ControlFacts {
  readonly held: boolean;
  readonly note: string | null;
  readonly until: Instant | null;
  readonly schedule: unknown;
}

export function startTaskSync(options: TaskSyncOptions): TaskSync {
  const { db, engine, rows, log } = options;
  const heldBy = `${safeUser()}@${options.hostname}`;
  // Tasks whose change from here is being written: a row read meanwhile is older than the engine.
  const writing = new Map<string, Promise<void>>();
  // Tasks whose change from here is not in the row yet (a write failed): the engine is right, not the row.
  const unwritten = new Set<string>();
  let rewriteTimer: NodeJS.Timeout | undefined;
  let applying = false;

  const rowFacts = (row: TaskRow): ControlFacts => {
    const held = row.held && (row.heldUntil === null || row.heldUntil > options.now());
    return {
      held,
      note: held ? row.holdNote : null,
      until: held ? row.heldUntil : null,
      schedule: row.reschedule ?? null,
    };
  };
  const engineFacts = (status: TaskStatus): ControlFacts => ({
    held: status.held,
    note: status.held ? status.holdNote : null,
    until: status.held ? status.heldUntil : null,
    schedule: status.rescheduled ? status.schedule : null,
  });
  const ours = (row: TaskRow | undefined, status: TaskStatus): row is TaskRow =>
    row !== undefined && row.fingerprint === options.fingerprintOf(status.spec);

  /** Make the engine say what the row says (no write back: the engine then agrees with the row). */
  const apply = (row: TaskRow): void => {
    if (!engine.has(row.name) || writing.has(row.name) || unwritten.has(row.name)) return;
    const status = engine.get(row.name);
    if (!ours(row, status)) return;
    const want = rowFacts(row);
    const have = engineFacts(status);
    applying = true;
    try {
      if (!isDeepStrictEqual(want.schedule, have.schedule)) {
        const checked = want.schedule === null ? null : checkScheduleSpec(want.schedule);
        if (checked === null) engine.reschedule(row.name, null);
        else if (checked.ok) engine.reschedule(row.name, checked.value);
        else log('warn', `cluster: ${row.name}: the cluster's reschedule cannot be used here: ${checked.message}`);
      }
      if (want.held && (!have.held || want.note !== have.note || want.until !== have.until))
        engine.hold(row.name, want.note ?? undefined, want.until);
      else if (!want.held && have.held) engine.resume(row.name);
    } catch (error) {
      log('warn', `cluster: ${row.name}: could not apply the cluster's change: ${describe(error)}`);
    } finally {
      applying = false;
    }
  };

  const take = (row: TaskRow | null): void => {
    if (row === null) return;
    rows.put(row);
    apply(row);
  };

  const refresh = (task: string): void => {
    db.readTask(task).then(take, () => {});
  };

  /** A change made on this host: write it to the row (with its NOTIFY), then read the row back. */
  const changed = (status: TaskStatus): void => {
    if (applying) return;
    const row = rows.get(status.name);
    if (!ours(row, status)) {
      unwritten.delete(status.name);
      return;
    }
    const have = engineFacts(status);
    const want = rowFacts(row);
    const changes: ControlChange[] = [];
    if (!isDeepStrictEqual(have.schedule, want.schedule))
      changes.push({ kind: 'reschedule', schedule: have.schedule as ScheduleSpec | null });
    if (have.held && (!want.held || have.note !== want.note || have.until !== want.until))
      changes.push({ kind: 'hold', note: have.note, until: have.until, by: heldBy });
    else if (!have.held && want.held) changes.push({ kind: 'resume' });
    if (changes.length === 0) {
      unwritten.delete(status.name);
      return;
    }
    const before = writing.get(status.name) ?? Promise.resolve();
    const write = before
      .catch(() => {})
      .then(async () => {
        for (const change of changes) await db.control(status.name, change);
        unwritten.delete(status.name);
        // Committed; the read back is a courtesy (our own NOTIFY re-reads it too).
        const fresh = await db.readTask(status.name).catch(() => null);
        if (fresh !== null) rows.put(fresh);
      });
    writing.set(status.name, write);
    write
      .catch((error: unknown) => {
        if (!unwritten.has(status.name))
          log(
            'warn',
            `cluster: ${status.name}: the change is in effect here, not yet in the cluster ` +
              `(written again when PostgreSQL answers): ${describe(error)}`,
          );
        unwritten.add(status.name);
        rewriteTimer ??= setTimeout(rewrite, REWRITE_EVERY_MS).unref();
      })
      .finally(() => {
        if (writing.get(status.name) === write) writing.delete(status.name);
      });
  };

  /** Write again the changes PostgreSQL did not take (the engine still holds them). */
  const rewrite = (): void => {
    rewriteTimer = undefined;
    for (const name of [...unwritten]) {
      if (!engine.has(name)) unwritten.delete(name);
      else if (!writing.has(name)) changed(engine.get(name));
    }
  };
  const unsubscribe = engine.on('task-changed', changed);

  const notified = (payload: string): void => {
    let message: { k?: unknown; name?: unknown; run?: unknown };
    try {
      message = JSON.parse(payload) as typeof message;
    } catch {
      return;
    }
    if (message.k === 'task' && typeof message.name === 'string') refresh(message.name);
    else if (message.k === 'cancel' && typeof message.run === 'number') cancelIfOurs(message.run);
  };

  const cancelIfOurs = (runId: number): void => {
    if (!engine.runsInFlight().some((run) => run.id === runId)) return;
    try {
      engine.cancelRun(runId);
      log('info', `cluster: run #${runId} cancelled at another host's request`);
    } catch {
      // ended meanwhile
    }
  };

  const resync = async (): Promise<void> => {
    rewrite();
    try {
      for (const row of await db.readTasks(rows.revision())) take(row);
    } catch {
      // The liveness connection reports the outage; the next resync tries again.
    }
  };
  const timer = setInterval(() => void resync(), RESYNC_EVERY_MS);

  return {
    notified,
    refresh,
    resync,
    committed: (task) => writing.get(task) ?? Promise.resolve(),
    stop: () => {
      clearInterval(timer);
      clearTimeout(rewriteTimer);
      unsubscribe();
    },
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
