/**
 * Concurrency groups (`settings.groups`, a task's `group:`): at most `limit` runs of a group's
 * tasks hold a place at once, across the daemon. A run takes its place when it starts (claiming
 * or running) and gives it back when it ends; a run whose group is full waits here, in the
 * group's own fair queue (round-robin over the group's tasks, FIFO within a task, as the
 * max-concurrent queue), holding nothing: neither a place nor a max-concurrent slot. RunFlow
 * decides when to ask (slot-admission.ts `admit`, `pump`); this class only counts and queues.
 */
import type { ActiveRun, Task } from './active-run.js';
import { DispatchQueue } from './dispatch-queue.js';

/** A group's places as `list` and `show` tell them. */
export interface GroupPlaces {
  readonly limit: number;
  /** Runs of the group's tasks holding a place (claiming or running). */
  readonly running: number;
}

export class GroupGate<K, T> {
  #limits: ReadonlyMap<string, number>;
  readonly #taken = new Map<string, number>();
  readonly #waiting = new Map<string, DispatchQueue<K, T>>();
  #parked = 0;
  /** Where the next look for a startable run begins among the groups (round-robin, see nextStartable). */
  #turn = 0;

  constructor(limits: Readonly<Record<string, number>> = {}) {
    this.#limits = new Map(Object.entries(limits));
  }

  /** New limits (reload). Places taken stay taken: a lowered limit lets running runs finish. */
  setLimits(limits: Readonly<Record<string, number>>): void {
    this.#limits = new Map(Object.entries(limits));
  }

  /**
   * THE limit check, the one place that answers "may one more run of `group` start now?". A group
   * without a limit (not in settings.groups) has no room: its runs wait rather than run unbounded
   * (the config refuses such a task; a reload that renames a group moves the waiting runs on).
   * Cluster mode replaces this with a store-backed count.
   */
  hasRoom(group: string): boolean {
    const limit = this.#limits.get(group);
    return limit !== undefined && (this.#taken.get(group) ?? 0) < limit;
  }

  /** The group's limit and places taken; undefined for a group without a limit. */
  places(group: string): GroupPlaces | undefined {
    const limit = this.#limits.get(group);
    return limit === undefined ? undefined : { limit, running: this.#taken.get(group) ?? 0 };
  }

  take(group: string): void {
    this.#taken.set(group, (this.#taken.get(group) ?? 0) + 1);
  }

  release(group: string): void {
    const left = (this.#taken.get(group) ?? 0) - 1;
    if (left > 0) this.#taken.set(group, left);
    else this.#taken.delete(group);
  }

  /** `item` (of owner `key`) waits for a place in `group`. */
  park(group: string, key: K, item: T): void {
    let queue = this.#waiting.get(group);
    if (queue === undefined) this.#waiting.set(group, (queue = new DispatchQueue<K, T>()));
    queue.enqueue(key, item);
    this.#parked++;
  }

  /** Take a waiting item out (dropped, or its task moved to another group); false if it was not waiting. */
  unpark(group: string, key: K, item: T): boolean {
    const queue = this.#waiting.get(group);
    if (queue === undefined || !queue.remove(key, item)) return false;
    if (queue.size === 0) this.#waiting.delete(group);
    this.#parked--;
    return true;
  }

  /**
   * The next waiting item whose group has room, taken off its queue; undefined when none. Groups
   * take turns, so that a raised limit of one cannot starve another's waiting runs.
   */
  nextStartable(): T | undefined {
    if (this.#parked === 0) return undefined;
    const groups = [...this.#waiting.keys()];
    for (let step = 0; step < groups.length; step++) {
      const index = (this.#turn + step) % groups.length;
      const group = groups[index] as string;
      if (!this.hasRoom(group)) continue;
      const queue = this.#waiting.get(group) as DispatchQueue<K, T>;
      const item = queue.dequeue() as T;
      if (queue.size === 0) this.#waiting.delete(group);
      this.#parked--;
      this.#turn = index + 1;
      return item;
    }
    return undefined;
  }
}

/** The runs' side of the gate: where a run waits, which place it holds (ActiveRun.groupPlace). */
export class RunGroups extends GroupGate<Task, ActiveRun> {
  /** A slot is free for `run`: false when its group is full, and it now waits for a place (phase `grouped`). */
  mayStart(run: ActiveRun): boolean {
    const group = run.entry.spec.group;
    if (group === undefined || this.hasRoom(group)) return true;
    run.moveTo('grouped');
    run.groupPlace = group;
    this.park(group, run.entry, run);
    return false;
  }

  /** `run` starts (claiming or running): it holds its group's place until placeFreed. */
  placeTaken(run: ActiveRun): void {
    const group = run.entry.spec.group;
    if (group === undefined) return;
    this.take(group);
    run.groupPlace = group;
  }

  /** `run` ended or gave its slot back: its place is free. */
  placeFreed(run: ActiveRun): void {
    if (run.groupPlace === null) return;
    this.release(run.groupPlace);
    run.groupPlace = null;
  }

  /** `run` (phase `grouped`) waits no more: dropped, or its task moved to another group. */
  leave(run: ActiveRun): void {
    if (run.groupPlace !== null) this.unpark(run.groupPlace, run.entry, run);
    run.groupPlace = null;
  }

  /** The next waiting run whose group has room (phase `grouped`, holding no place yet), or undefined. */
  nextRun(): ActiveRun | undefined {
    const run = this.nextStartable();
    if (run !== undefined) run.groupPlace = null;
    return run;
  }
}
