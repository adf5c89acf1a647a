/**
 * The cluster harness's tasks file (../shared/CLUSTER.md section 11): about 12 tasks that record
 * each start as one short O_APPEND line of effects.log (`TASK INSTANT ATTEMPT HOSTNAME-N`, atomic),
 * a third of them every 2 s running 2.5 s with `overlap: skip`, half of them retried when their host
 * dies, one `scope: host` task, and one task left out of the counting for hold propagation.
 */
import type { CountedTask } from './counting.js';

/** Cluster timings of the harness: the bar's (beat 1 s, gone-after 2 s, lease 5 s, kill grace 1 s). */
export const TIMINGS = { beatMs: 1000, goneAfterMs: 2000, leaseMs: 5000, killAfterMs: 1000 } as const;

/** The task held and resumed to measure propagation; its instants are not counted. */
export const PROPAGATION_TASK = 'p01';

/** The task two files disagree on in the split scenario. */
export const SPLIT_TASK = 't01';

/** The tasks the verdict counts, on their grids. */
export const COUNTED_TASKS: readonly CountedTask[] = [
  ...['t01', 't02', 't03', 't04', 't05', 't06', 't07', 't08'].map((name) => ({ name, everyMs: 1000 })),
  ...['s01', 's02', 's03', 's04'].map((name) => ({ name, everyMs: 2000 })),
];

/** Every other counted task has `retry: { attempts: 1, interrupted: true }`. */
export const RETRIED: readonly string[] = COUNTED_TASKS.filter((_, i) => i % 2 === 0).map((task) => task.name);

/** The retried tasks that run 2.5 s: a kill in the middle of one interrupts it and queues its retry. */
export const RETRIED_SLOW: readonly string[] = COUNTED_TASKS.filter(
  (task) => task.everyMs > 1000 && RETRIED.includes(task.name),
).map((task) => task.name);

export interface TasksFileOptions {
  /** Absolute path of effects.log: nothing resolved from the file's place, so every host's fingerprint is the same. */
  readonly effects: string;
  /** Another definition of SPLIT_TASK (its lines start with `v2-`): the second file of the split scenario. */
  readonly variant?: boolean;
  /** Keys this build knows (probeKeys): a key it lacks is left out, and the scenario says so. */
  readonly keys?: KnownKeys;
}

/** Task keys of cluster mode the harness uses, as far as the built taskkit accepts them. */
export interface KnownKeys {
  readonly retryInterrupted: boolean;
  readonly scope: boolean;
}

/** The file's lines. The store URL comes from each daemon's TASKKIT_TEST_PG_URL. */
export function clusterTasksFile({
  effects,
  variant = false,
  keys = { retryInterrupted: true, scope: true },
}: TasksFileOptions): string {
  const record = (who: string): string =>
    `echo "$TASKKIT_TASK $TASKKIT_SCHEDULED_AT $TASKKIT_ATTEMPT ${who}" >> ${effects}`;
  const retried = '{ attempts: 1, interrupted: true }';
  const kill = `${TIMINGS.killAfterMs / 1000}s`;
  const lines = [
    'settings:',
    '  timezone: UTC',
    '  shutdown-grace: 3s',
    '  cluster:',
    '    store: $TASKKIT_TEST_PG_URL',
    '    name: taskkit',
    `    beat: ${TIMINGS.beatMs / 1000}s`,
    `    gone-after: ${TIMINGS.goneAfterMs / 1000}s`,
    `    lease: ${TIMINGS.leaseMs / 1000}s`,
    'tasks:',
  ];
  for (const task of COUNTED_TASKS) {
    const slow = task.everyMs > 1000;
    const who = variant && task.name === SPLIT_TASK ? 'v2-$N' : '$(hostname)-$N';
    lines.push(
      `  ${task.name}:`,
      `    every: ${task.everyMs / 1000}s`,
      `    run: '${record(who)}${slow ? '; sleep 2.5' : ''}'`,
      `    kill-after: ${kill}`,
    );
    if (slow) lines.push('    overlap: skip');
    if (RETRIED.includes(task.name) && keys.retryInterrupted) lines.push(`    retry: ${retried}`);
  }
  lines.push(`  ${PROPAGATION_TASK}:`, '    every: 1s', `    run: 'true'`);
  if (keys.scope) lines.push('  rotate:', '    every: 1s', '    scope: host', `    run: '${record('$(hostname)-$N')}'`);
  return `${lines.join('\n')}\n`;
}
