/**
 * Write-ahead for runs (DESIGN.md "State and history": "runs left `running` by a crash become
 * `interrupted`"). attach.ts stores a run from the engine's `run-started` event, which comes after
 * the runner has spawned the process, and the batcher writes it a turn later: a daemon killed in
 * between left a run that really ran without a row, and the next daemon handed its id to another
 * run (issue 8, crash torture: 4 of 6 torture runs hit it). So the runner given to the engine
 * commits a `running` row first; `run-started` then completes it (pid, creation time).
 */
import type { RunRecord } from '../engine/run.js';
import type { Runner } from '../engine/ports.js';
import type { Instant } from '../schedule/types.js';
import type { Store } from './store.js';

/** `runner`, with each run's row committed (status `running`) before the run starts. */
export function journalRuns(runner: Runner, store: Pick<Store, 'saveRun' | 'flush'>, now: () => Instant): Runner {
  return {
    start(request, onOutput) {
      const at = now();
      const record: RunRecord = {
        id: request.runId,
        task: request.task.name,
        trigger: request.trigger,
        scheduledAt: request.scheduledAt,
        // The engine's creation time is not in the request; run-started replaces this moments later.
        createdAt: at,
        startedAt: at,
        endedAt: null,
        status: 'running',
        exitCode: null,
        signal: null,
        attempt: request.attempt,
        pid: null,
        output: '',
        outputTruncated: false,
        outputBytes: 0,
        error: null,
      };
      store.saveRun(record);
      // A failed write is kept and retried by the store (and logged); the run still goes ahead.
      store.flush();
      return runner.start(request, onOutput);
    },
  };
}
