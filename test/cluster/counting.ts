/**
 * The cluster harness's verdict (../shared/CLUSTER.md section 11), as pure data in and out so that
 * it can be checked on synthetic rows: every (task, instant) of the counted window has exactly one
 * attempt-1 row in the `run` table (none: a gap), no (task, instant, attempt) has two start lines
 * in effects.log (a duplicate), interrupted rows belong to a killed host, a retry starts no earlier
 * than the dead host's lease end + kill-after, and no run starts before its instant.
 */

/** One start line of effects.log: `TASK INSTANT ATTEMPT HOSTNAME-N`. */
export interface EffectLine {
  readonly task: string;
  readonly scheduledAt: number;
  readonly attempt: number;
  readonly who: string;
}

/** The columns of a `run` row the verdict reads (times in epoch ms, database clock). */
export interface RunRow {
  readonly id: number;
  readonly task: string;
  readonly trigger: string;
  readonly scheduledAt: number | null;
  readonly attempt: number;
  readonly status: string;
  readonly hostId: string | null;
  readonly scopeHost: string | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
}

/** The columns of a `host` row the verdict reads. */
export interface HostRow {
  readonly hostId: string;
  readonly pid: number;
  readonly state: string;
  readonly leaseUntil: number;
  readonly endedAt: number | null;
  readonly endReason: string | null;
}

/** A task counted on its grid: an instant every `everyMs` (the phase is taken from its rows). */
export interface CountedTask {
  readonly name: string;
  readonly everyMs: number;
}

/** A span whose instants may lack a row by design (a PostgreSQL restart): their gaps are reported apart. */
export interface Excused {
  readonly from: number;
  readonly to: number;
  readonly why: string;
}

export interface CountInput {
  readonly tasks: readonly CountedTask[];
  /** Instants counted: from 2 s after the last daemon is up to 3 s before the stop (CLUSTER.md 11). */
  readonly from: number;
  readonly to: number;
  readonly effects: readonly EffectLine[];
  readonly runs: readonly RunRow[];
  readonly hosts: readonly HostRow[];
  /** Host incarnations the scenario killed or froze: the only ones whose runs may be `interrupted`. */
  readonly killedHostIds?: readonly string[];
  /** The retried tasks' kill-after, the least a retry waits past the dead host's lease. */
  readonly killAfterMs?: number;
  readonly excused?: readonly Excused[];
  /** A run whose row says it started more than this before its instant is an early start. */
  readonly earlyToleranceMs?: number;
}

export interface Lateness {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface CountResult {
  /** (task, instant) pairs of the window, on the tasks' grids. */
  readonly instants: number;
  /** Instants with no attempt-1 row, outside the excused spans. */
  readonly gaps: readonly string[];
  /** Instants with no attempt-1 row inside an excused span (documented, not a failure). */
  readonly excusedGaps: readonly string[];
  /** (task, instant) with more than one attempt-1 row (the unique index should make this impossible). */
  readonly duplicateRows: readonly string[];
  /** (task, instant, attempt) with two or more start lines in effects.log. */
  readonly duplicateStarts: readonly string[];
  /** Start lines of a cluster task with no row that could have started them (a run without a claim). */
  readonly unclaimedStarts: readonly string[];
  /** Interrupted rows of a host that was not killed. */
  readonly strayInterrupts: readonly string[];
  /** Retries that started before the dead host's lease end + kill-after. */
  readonly earlyRetries: readonly string[];
  /** Runs that started before their instant (by more than the tolerance). */
  readonly earlyStarts: readonly string[];
  readonly skipped: number;
  readonly interrupted: number;
  readonly retries: number;
  /** created_at - scheduled_at of the counted tasks' attempt-1 rows of the window, in ms (not the skipped ones). */
  readonly lateness: Lateness;
}

const RAN = new Set(['running', 'succeeded', 'failed', 'timed-out', 'cancelled', 'interrupted']);

/** `TASK ISO-INSTANT ATTEMPT WHO` lines; blank and malformed lines (a torn write) are returned apart. */
export function parseEffects(text: string): { lines: EffectLine[]; malformed: string[] } {
  const lines: EffectLine[] = [];
  const malformed: string[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const [task, instant, attempt, who, ...rest] = raw.trim().split(/\s+/);
    const scheduledAt = Date.parse(instant ?? '');
    if (task === undefined || who === undefined || rest.length > 0 || !Number.isFinite(scheduledAt)) {
      malformed.push(raw);
      continue;
    }
    lines.push({ task, scheduledAt, attempt: Number(attempt), who });
  }
  return { lines, malformed };
}

/** The verdict over one scenario's window. */
export function countRuns(input: CountInput): CountResult {
  const key = (task: string, at: number, attempt?: number): string =>
    `${task} ${new Date(at).toISOString()}${attempt === undefined ? '' : ` #${attempt}`}`;
  const clusterRuns = input.runs.filter((run) => run.scopeHost === null && run.scheduledAt !== null);
  const firstRows = groupBy(
    clusterRuns.filter((run) => run.attempt === 1),
    (run) => key(run.task, run.scheduledAt ?? 0),
  );
  const instants: { task: string; at: number }[] = [];
  for (const task of input.tasks) instants.push(...gridOf(task, clusterRuns, input.from, input.to));
  const gaps: string[] = [];
  const excusedGaps: string[] = [];
  for (const { task, at } of instants) {
    if (firstRows.has(key(task, at))) continue;
    const excuse = input.excused?.find((span) => at >= span.from && at <= span.to);
    (excuse === undefined ? gaps : excusedGaps).push(key(task, at) + (excuse ? ` (${excuse.why})` : ''));
  }
  const inWindow = (at: number): boolean => at >= input.from && at <= input.to;
  const duplicateRows = [...firstRows].filter(([, rows]) => rows.length > 1).map(([name]) => name);
  const counted = new Set(input.tasks.map((task) => task.name));
  const starts = groupBy(
    input.effects.filter((line) => counted.has(line.task)),
    (line) => key(line.task, line.scheduledAt, line.attempt),
  );
  const duplicateStarts = [...starts]
    .filter(([, lines]) => lines.length > 1)
    .map(([name, lines]) => `${name} by ${lines.map((line) => line.who).join(', ')}`);
  const ranRows = new Set(
    clusterRuns.filter((run) => RAN.has(run.status)).map((run) => key(run.task, run.scheduledAt ?? 0, run.attempt)),
  );
  const unclaimedStarts = [...starts.keys()].filter((name) => !ranRows.has(name));
  const killed = new Set(input.killedHostIds ?? []);
  const strayInterrupts = clusterRuns
    .filter((run) => run.status === 'interrupted' && !killed.has(run.hostId ?? ''))
    .map((run) => `${key(run.task, run.scheduledAt ?? 0, run.attempt)} on ${run.hostId ?? 'no host'}`);
  const earlyRetries = checkRetries(clusterRuns, input.hosts, input.killAfterMs ?? 0, key);
  const tolerance = input.earlyToleranceMs ?? 0;
  const earlyStarts = clusterRuns
    .filter((run) => run.startedAt !== null && run.startedAt < (run.scheduledAt ?? 0) - tolerance)
    .map((run) => {
      const early = (run.scheduledAt ?? 0) - (run.startedAt ?? 0);
      return `${key(run.task, run.scheduledAt ?? 0, run.attempt)} started ${early} ms early`;
    });
  const windowFirst = clusterRuns.filter(
    (run) => run.attempt === 1 && counted.has(run.task) && inWindow(run.scheduledAt ?? 0),
  );
  return {
    instants: instants.length,
    gaps,
    excusedGaps,
    duplicateRows,
    duplicateStarts,
    unclaimedStarts,
    strayInterrupts,
    earlyRetries,
    earlyStarts,
    skipped: windowFirst.filter((run) => run.status === 'skipped').length,
    interrupted: clusterRuns.filter((run) => run.status === 'interrupted').length,
    retries: clusterRuns.filter((run) => run.attempt > 1).length,
    lateness: summarize(
      windowFirst.filter((run) => run.status !== 'skipped').map((run) => run.createdAt - (run.scheduledAt ?? 0)),
    ),
  };
}

/** What the scenario must fail on, one line each (empty: the run is clean). */
export function problemsOf(result: CountResult): string[] {
  const list = (what: string, items: readonly string[]): string[] =>
    items.length === 0 ? [] : [`${items.length} ${what}: ${items.slice(0, 8).join('; ')}`];
  return [
    ...list('gaps', result.gaps),
    ...list('duplicate attempt-1 rows', result.duplicateRows),
    ...list('duplicate starts', result.duplicateStarts),
    ...list('starts without a claimed row', result.unclaimedStarts),
    ...list('interrupted rows of a host not killed', result.strayInterrupts),
    ...list('retries before lease end + kill-after', result.earlyRetries),
    ...list('early starts', result.earlyStarts),
  ];
}

/** One line for the test's output: the figures a reader compares with CLUSTER.md section 12. */
export function describeCount(result: CountResult): string {
  const late = result.lateness;
  return (
    `${result.instants} instants: ${result.duplicateStarts.length} duplicates, ${result.gaps.length} gaps` +
    (result.excusedGaps.length > 0 ? ` (+${result.excusedGaps.length} in excused spans)` : '') +
    `, ${result.skipped} skipped, ${result.interrupted} interrupted, ${result.retries} retries, ` +
    `${result.earlyStarts.length} early; lateness p50/p99/max ${ms(late.p50)}/${ms(late.p99)}/${ms(late.max)} ms ` +
    `(n=${late.n})`
  );
}

/** Nearest-rank percentiles of ms samples. */
export function summarize(samples: readonly number[]): Lateness {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number =>
    sorted.length === 0
      ? NaN
      : (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN);
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

/** The task's instants in [from, to], on the phase of its rows (every: 1s keeps whole seconds). */
function gridOf(task: CountedTask, runs: readonly RunRow[], from: number, to: number): { task: string; at: number }[] {
  const seen = runs.find((run) => run.task === task.name && run.scheduledAt !== null);
  const phase = seen === undefined ? 0 : mod(seen.scheduledAt ?? 0, task.everyMs);
  const out: { task: string; at: number }[] = [];
  const first = from - mod(from - phase, task.everyMs);
  for (let at = first < from ? first + task.everyMs : first; at <= to; at += task.everyMs) {
    out.push({ task: task.name, at });
  }
  return out;
}

/** A retry (attempt > 1) must start at or after lease_until + kill-after of the host its previous attempt died on. */
function checkRetries(
  runs: readonly RunRow[],
  hosts: readonly HostRow[],
  killAfterMs: number,
  key: (task: string, at: number, attempt?: number) => string,
): string[] {
  const byKey = new Map(runs.map((run) => [key(run.task, run.scheduledAt ?? 0, run.attempt), run]));
  const hostById = new Map(hosts.map((host) => [host.hostId, host]));
  const early: string[] = [];
  for (const retry of runs) {
    if (retry.attempt < 2 || retry.startedAt === null) continue;
    const before = byKey.get(key(retry.task, retry.scheduledAt ?? 0, retry.attempt - 1));
    if (before?.status !== 'interrupted') continue;
    const host = hostById.get(before.hostId ?? '');
    if (host === undefined) continue;
    const notBefore = host.leaseUntil + killAfterMs;
    if (retry.startedAt < notBefore) {
      early.push(`${key(retry.task, retry.scheduledAt ?? 0, retry.attempt)} ${notBefore - retry.startedAt} ms early`);
    }
  }
  return early;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = keyOf(item);
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [item]);
    else group.push(item);
  }
  return groups;
}

/** Milliseconds as read (database times carry microseconds): 0.1 ms at most. */
function ms(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 10) / 10) : 'n/a';
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
