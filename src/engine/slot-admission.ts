/**
 * When a run may start: a free max-concurrent slot (DESIGN.md `max-concurrent`) and a place in its
 * concurrency group (group-gate.ts). A run without a free slot waits in the fair slot queue; one
 * given a slot whose group is full waits in its group's queue holding nothing (phase `grouped`), so
 * a full group blocks no other task. RunFlow (run-flow.ts) says what starting a run means and when
 * to look again; this class only decides who goes and counts what is taken.
 */
import type { ActiveRun, Task } from './active-run.js';
import { DispatchQueue } from './dispatch-queue.js';
import { RunGroups, type GroupPlaces } from './group-gate.js';

/** What admission calls back into the flow for: starting a run, and telling that one waits. */
export interface AdmissionHooks {
  /** A slot and its group's place are free for `run`: take them (taken) and start it. */
  readonly start: (run: ActiveRun) => void;
  /** `run` does not start at once (stored as `queued`). */
  readonly waiting: (run: ActiveRun) => void;
}

export class SlotAdmission {
  readonly #maxConcurrent: number;
  readonly #hooks: AdmissionHooks;
  readonly #ready = new DispatchQueue<Task, ActiveRun>();
  /** Concurrency groups: places taken, and the runs waiting for one (phase `grouped`). */
  readonly #groups: RunGroups;
  /** Max-concurrent slots taken: runs claiming or running. */
  #busy = 0;
  /** Inside deferStarts: pump starts nothing. */
  #deferred = false;

  constructor(maxConcurrent: number, groups: Readonly<Record<string, number>> | undefined, hooks: AdmissionHooks) {
    this.#maxConcurrent = maxConcurrent;
    this.#groups = new RunGroups(groups);
    this.#hooks = hooks;
  }

  /** A group's limit and places taken (`list`, `show`); undefined for a name without a limit. */
  places(group: string): GroupPlaces | undefined {
    return this.#groups.places(group);
  }

  /** New group limits (reload); the caller pumps so that a raised one starts waiting runs. */
  setGroupLimits(limits: Readonly<Record<string, number>>): void {
    this.#groups.setLimits(limits);
  }

  /** Run `apply` with pump starting no waiting run (a reload's tasks are not all applied yet). */
  deferStarts<T>(apply: () => T): T {
    this.#deferred = true;
    try {
      return apply();
    } finally {
      this.#deferred = false;
    }
  }

  /** Start now if a slot (and its group's place) is free, else wait in the fair queue (or its group's). */
  admit(run: ActiveRun): void {
    run.moveTo('ready');
    if (this.#busy < this.#maxConcurrent && this.#ready.size === 0) this.#startOrPark(run);
    else {
      this.#ready.enqueue(run.entry, run);
      this.#hooks.waiting(run);
    }
  }

  /**
   * Start queued runs while slots are free; `started` follows each run taken off a queue. Runs waiting
   * for a group with room again go first (they had their turn in the slot queue); a queued run whose
   * group is full waits for its group and the next run gets the slot: a full group blocks no other task.
   */
  pump(started: (run: ActiveRun) => void): void {
    while (!this.#deferred && this.#busy < this.#maxConcurrent) {
      const run = this.#groups.nextRun() ?? this.#ready.dequeue();
      if (run === undefined) return;
      if (run.phase === 'grouped') this.#hooks.start(run);
      else this.#startOrPark(run);
      started(run);
    }
  }

  /** A run admitted now would start at once, with `held` more slots taken (the fast path's, fast-fire.ts). */
  startsAtOnce(held: number): boolean {
    return this.#busy + held < this.#maxConcurrent && this.#ready.size === 0;
  }

  /** `run` starts (claiming or running): it holds a slot and its group's place until freed. */
  taken(run: ActiveRun): void {
    this.#busy++;
    this.#groups.placeTaken(run);
  }

  /** The run's max-concurrent slot and group place are free again. */
  freed(run: ActiveRun): void {
    this.#busy--;
    this.#groups.placeFreed(run);
  }

  /** `run` (phase `ready` or `grouped`) waits no more: dropped, or (grouped) its task moved to another group. */
  leave(run: ActiveRun): void {
    if (run.phase === 'ready') this.#ready.remove(run.entry, run);
    if (run.phase === 'grouped') this.#groups.leave(run);
  }

  /** A slot is free for `run`: start it if its group has room, else it waits for a place holding nothing. */
  #startOrPark(run: ActiveRun): void {
    if (this.#groups.mayStart(run)) this.#hooks.start(run);
    else this.#hooks.waiting(run);
  }
}
