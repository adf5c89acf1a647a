/**
 * What the pg-store suites share: a throwaway cluster per file (test/support/pg-cluster.ts), a
 * database per test from the migrated template, pools, and live host incarnations made the way a
 * daemon makes them (a liveness client of its own holding the advisory lock).
 */
import { randomUUID } from 'node:crypto';
import type { Client, Pool } from '../../../src/store/postgres/connect.js';
import { connectClient, createPool } from '../../../src/store/postgres/connect.js';
import { type ClaimParams, newClaimToken } from '../../../src/store/postgres/claims.js';
import { registerHost } from '../../../src/store/postgres/hosts.js';
import { publishTask, type TaskPolicy } from '../../../src/store/postgres/publish.js';
import type { PgCluster } from '../../support/pg-cluster.js';

export const SCHEMA = 'taskkit';

export const NO_RETRY: TaskPolicy = {
  retryAttempts: 0,
  retryDelayMs: 0,
  retryBackoff: 1,
  retryMaxDelayMs: 86_400_000,
  retryInterrupted: false,
  killGraceMs: 10_000,
};

/** One test's database: pools and clients made on it are ended by close(). */
export class TestDb {
  readonly url: string;
  readonly #cluster: PgCluster;
  readonly #name: string;
  readonly #ends: (() => Promise<void>)[] = [];

  private constructor(cluster: PgCluster, name: string) {
    this.#cluster = cluster;
    this.#name = name;
    this.url = cluster.url(name);
  }

  static async create(cluster: PgCluster): Promise<TestDb> {
    return new TestDb(cluster, await cluster.createDatabase());
  }

  async pool(size = 2): Promise<Pool> {
    const pool = await createPool({ url: this.url, poolSize: size, onError: () => undefined });
    this.#ends.push(() => pool.end());
    return pool;
  }

  async client(): Promise<Client> {
    const client = await connectClient({ url: this.url, onError: () => undefined });
    this.#ends.push(() => client.end().catch(() => undefined));
    return client;
  }

  /** One statement as the superuser in this database, rows as text lines. */
  sql(text: string): string {
    return this.#cluster.sql(text, this.#name);
  }

  /**
   * A live host incarnation as a daemon registers it: its own client holding the advisory lock.
   * `client.end()` simulates the process dying (PostgreSQL frees the lock).
   */
  async host(hostname: string, options: { leaseMs?: number; tasks?: string[] } = {}): Promise<TestHost> {
    const client = await this.client();
    const hostId = randomUUID();
    const { lockKey } = await registerHost(client, SCHEMA, {
      hostId,
      hostname,
      pid: process.pid,
      version: '0.1.0',
      fileDigest: 'digest',
      tasks: options.tasks ?? [],
      leaseMs: options.leaseMs ?? 30_000,
    });
    return { hostId, hostname, client, lockKey };
  }

  async close(): Promise<void> {
    for (const end of this.#ends.splice(0).reverse()) await end();
  }
}

export interface TestHost {
  readonly hostId: string;
  readonly hostname: string;
  readonly client: Client;
  readonly lockKey: string;
}

/** Publish `task` with fingerprint `fp` from `host` (start rules; force to overwrite). */
export async function publish(
  pool: Pool,
  host: TestHost,
  task: string,
  fp = 'fp1',
  options: { policy?: TaskPolicy; force?: boolean; fileHold?: boolean } = {},
): Promise<string> {
  return publishTask(pool, SCHEMA, {
    task,
    fingerprint: fp,
    hostId: host.hostId,
    fileHold: options.fileHold ?? false,
    policy: options.policy ?? NO_RETRY,
    force: options.force ?? false,
  });
}

/**
 * A first-attempt scheduled claim of `task` at `at` by `host` under fingerprint fp1, revision 1,
 * overlap allow, no max-runs, deadline or jitter, with a fresh token; `overrides` change any of it.
 */
export function claimParams(
  host: TestHost,
  task: string,
  at: number | null,
  runId: number,
  overrides: Partial<ClaimParams> = {},
): ClaimParams {
  return {
    task,
    at,
    attempt: 1,
    trigger: 'schedule',
    hostId: host.hostId,
    hostname: host.hostname,
    runId,
    token: newClaimToken(),
    fingerprint: 'fp1',
    scheduleRev: 1,
    overlap: 'allow',
    maxRuns: null,
    deadlineMs: null,
    jitterMs: 0,
    ...overrides,
  };
}
