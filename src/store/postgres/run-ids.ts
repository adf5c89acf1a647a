/**
 * Run ids unique across the cluster (CLUSTER.md section 2): one nextval('run_id_block') gives a
 * block of 64 ids, [v - 63, v]. The engine asks for ids synchronously, so blocks are fetched ahead:
 * a refill starts when fewer than 32 ids are left beyond the spare block.
 */
import type { LogFunction } from '../../engine/ports.js';
import { describeDbError } from './db-errors.js';
import { quoteIdent } from './cluster-name.js';
import { type Queryable, toNumber } from './queryable.js';

/** Ids per block: the sequence's INCREMENT BY. */
export const RUN_ID_BLOCK = 64;
/** A refill starts when fewer ids than this are left beyond the spare blocks. */
export const RUN_ID_LOW_WATER = 32;

/** One nextval: the last id of a fresh block. */
export async function fetchRunIdBlock(db: Queryable, schema: string): Promise<number> {
  const { rows } = await db.query<{ v: string }>(`SELECT nextval('${quoteIdent(schema)}.run_id_block') AS v`);
  return toNumber(rows[0]?.v);
}

export interface RunIdBlocksOptions {
  /** Gives the last id of a fresh block (fetchRunIdBlock). */
  readonly fetchBlock: () => Promise<number>;
  readonly log?: LogFunction;
  /** Whole blocks kept in hand beyond the one in use; default 1. */
  readonly spareBlocks?: number;
  /** Pause after a failed fetch, doubling to maxPauseMs; defaults 100 ms and 5 s. */
  readonly firstPauseMs?: number;
  readonly maxPauseMs?: number;
}

/** Run ids served synchronously from prefetched blocks. */
export class RunIdBlocks {
  readonly #fetchBlock: () => Promise<number>;
  readonly #log: LogFunction;
  readonly #spareBlocks: number;
  readonly #firstPause: number;
  readonly #maxPause: number;
  /** Blocks in hand as [next id, last id], in use first. */
  readonly #blocks: [number, number][] = [];
  #refilling: Promise<void> | null = null;
  #lastError: string | null = null;
  #closed = false;

  constructor(options: RunIdBlocksOptions) {
    this.#fetchBlock = options.fetchBlock;
    this.#log = options.log ?? (() => undefined);
    this.#spareBlocks = options.spareBlocks ?? 1;
    this.#firstPause = options.firstPauseMs ?? 100;
    this.#maxPause = options.maxPauseMs ?? 5_000;
  }

  /** Ids in hand. */
  get left(): number {
    return this.#blocks.reduce((sum, [next, last]) => sum + (last - next + 1), 0);
  }

  /** Fetch the first blocks (the block in use and the spares); rejects when the first fetch fails. */
  async start(): Promise<void> {
    for (let i = 0; i <= this.#spareBlocks; i++) this.#add(await this.#fetchBlock());
  }

  /** The next id; throws when no block is in hand (PostgreSQL has been unreachable for a while). */
  next(): number {
    const block = this.#blocks[0];
    if (block === undefined) {
      this.#refill();
      const why = this.#lastError === null ? 'the first block is still being fetched' : this.#lastError;
      throw new Error(`no cluster run id left: no block of ids from PostgreSQL (${why})`);
    }
    const id = block[0];
    if (id === block[1]) this.#blocks.shift();
    else block[0] = id + 1;
    if (this.left < RUN_ID_LOW_WATER + this.#spareBlocks * RUN_ID_BLOCK) this.#refill();
    return id;
  }

  /** Stop refilling. */
  close(): void {
    this.#closed = true;
  }

  #add(last: number): void {
    this.#blocks.push([last - RUN_ID_BLOCK + 1, last]);
  }

  /** One refill at a time, retried with backoff until a block comes. */
  #refill(): void {
    if (this.#refilling !== null || this.#closed) return;
    this.#refilling = (async () => {
      let pause = this.#firstPause;
      while (!this.#closed) {
        try {
          this.#add(await this.#fetchBlock());
          if (this.#lastError !== null) this.#log('info', 'cluster run ids: fetching blocks again');
          this.#lastError = null;
          break;
        } catch (error) {
          if (this.#lastError === null)
            this.#log('warn', `cluster run ids: cannot fetch a block (${describeDbError(error)}); retrying`);
          this.#lastError = describeDbError(error);
          await new Promise<void>((resolve) => setTimeout(resolve, pause).unref());
          pause = Math.min(pause * 2, this.#maxPause);
        }
      }
    })().finally(() => {
      this.#refilling = null;
      // Ids may have been taken while this block came: top up again if still low.
      if (!this.#closed && this.left < RUN_ID_LOW_WATER + this.#spareBlocks * RUN_ID_BLOCK) this.#refill();
    });
  }
}
