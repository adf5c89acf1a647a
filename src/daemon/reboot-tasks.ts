/**
 * `@reboot` once per boot (issue 18.2, cronie's meaning): the daemon, not the engine, knows boots.
 * It compares this boot's id (boot-id.ts) with the one the history database stored when an earlier
 * daemon fired the `@reboot` tasks, and tells the scheduler to fire or skip them. The id is stored
 * only after they were fired: a crash between the two fires them again at the next start (at least
 * once), where storing it first could lose them for the whole boot.
 */
import type { RebootPolicy, TaskSpec } from '../config/types.js';
import type { StartOptions } from '../engine/scheduler-options.js';
import type { Store } from '../store/store.js';
import { readBootId, sameBoot, type BootIdSources } from './boot-id.js';
import type { Logger } from './log.js';

export interface RebootPlan {
  readonly start: Required<StartOptions>;
  /** Call once scheduler.start() has fired them: records the boot as seen. */
  readonly fired: () => void;
}

/** Whether this start fires the `@reboot` tasks, and what to record once it did. */
export function planRebootTasks(
  store: Store,
  policy: RebootPolicy,
  tasks: readonly TaskSpec[],
  sources: BootIdSources,
  log: Logger,
): RebootPlan {
  const bootId = readBootId(sources);
  const stored = readStored(store, log);
  const seen = stored !== null && sameBoot(stored, bootId);
  const rebootTasks = tasks.filter((task) => task.schedule.kind === 'reboot').length;
  const skip = seen && policy === 'once-per-boot';
  if (skip && rebootTasks > 0)
    log(
      'info',
      `@reboot: ${rebootTasks} task(s) not run: an earlier daemon ran them in this boot (boot id ${bootId}); ` +
        'they run at the next boot (settings.reboot: every-start runs them at each start)',
    );
  return {
    start: { rebootTasks: skip ? 'skip' : 'fire' },
    // Also with every-start, so that a later switch to once-per-boot knows this boot was seen.
    fired: () => {
      if (!skip) save(store, bootId, log);
    },
  };
}

/** A database that cannot answer counts as a boot not seen: the tasks run rather than never. */
function readStored(store: Store, log: Logger): string | null {
  try {
    return store.lastBootId();
  } catch (error) {
    log('warn', `@reboot: cannot read the boot last seen (${describe(error)}); running the @reboot tasks`);
    return null;
  }
}

function save(store: Store, bootId: string, log: Logger): void {
  try {
    store.saveBootId(bootId);
  } catch (error) {
    log('warn', `@reboot: cannot record boot ${bootId} as seen (${describe(error)}); a restart runs them again`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
