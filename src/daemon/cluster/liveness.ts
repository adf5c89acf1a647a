/**
 * This daemon's liveness in the cluster (../shared/CLUSTER.md section 4), on its dedicated
 * connection: take a random session advisory lock, LISTEN, insert a host row, then beat every
 * `beat`. Its fence is on the monotonic clock: the send time of the last good beat plus the lease,
 * less a margin, ends before the database's `lease_until` does, so a host cut off stops claiming
 * before any peer may reap it. A beat that updates no row means this incarnation was reaped: it
 * registers anew. A lost connection is reopened with backoff (100 ms doubling to 30 s, jittered),
 * taking the same lock again, and the same host row if it is still live.
 */
import { randomUUID } from 'node:crypto';
import { formatElapsed } from '../../schedule/elapsed.js';
import type { Logger } from '../log.js';
import { CLOCK_OFFSET_WARN_MS, type ClusterClock } from './clock.js';
import type { HostRegistration, LivenessSession } from './cluster-db.js';
import { within } from './timeout.js';

export interface LivenessOptions {
  readonly open: () => Promise<LivenessSession>;
  readonly clock: ClusterClock;
  readonly beatMs: number;
  readonly leaseMs: number;
  /** The host row's facts but its ids (the tasks may change at reload). */
  readonly describe: () => Omit<HostRegistration, 'hostId' | 'leaseMs'>;
  readonly log: Logger;
  readonly onNotify: (payload: string) => void;
  /** After every (re)connection and registration: resync what notifications may have missed. */
  readonly onConnected: (fresh: boolean) => void;
  /** After each good beat (the measured offset is in the clock). */
  readonly onBeat?: () => void;
  /** The fence passed with no good beat: peers may reap this host soon (CLUSTER.md section 4). */
  readonly onFenced?: () => void;
}

export interface Liveness {
  /** The current incarnation's id (changes when this host was reaped and registered again). */
  hostId(): string;
  /** Registered and within the fence (the last good beat + lease - margin): claims may be made. */
  canClaim(): boolean;
  /** Why claims may not be made now (for the log and `yielded`), or null. */
  whyNot(): string | null;
  /** ms the current liveness connection has been up (a reaper is trusted after one lease). */
  upForMs(): number;
  /** A claim answered `fenced`: no claims until a good beat. */
  fenced(): void;
  /** Since when (wall clock) PostgreSQL does not answer this host, and why; null while it does. */
  outage(): { readonly since: number; readonly error: string } | null;
  /** How this host sees itself: live, leaving (stopping), fenced (no claims), registering. */
  selfState(): 'live' | 'leaving' | 'fenced' | 'registering';
  /** Resolves once registered the first time; rejects if the first connection fails. */
  readonly ready: Promise<void>;
  /** Graceful stop, step 1: state `leaving` (claims answer fenced), beats go on. */
  leave(): Promise<void>;
  /** Step 2, once runs drained: state `gone`, beats stop, connection closed. */
  stop(): Promise<void>;
}

const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 30_000;

export function startLiveness(options: LivenessOptions): Liveness {
  const { clock, beatMs, leaseMs, log } = options;
  // The fence ends a margin before the lease: a beat's delay and the reaper's own beat period.
  const marginMs = Math.min(beatMs, Math.floor(leaseMs / 4));
  // A beat unanswered this long counts as a lost connection (a new one is opened).
  const beatTimeoutMs = Math.max(1_000, Math.min(2 * beatMs, leaseMs - marginMs));
  let hostId = randomUUID();
  let lockKey: string | null = null;
  let session: LivenessSession | null = null;
  let registered = false;
  let fenceUntil = -Infinity;
  let fencedByClaim = false;
  let upSince = Infinity;
  let stopping = false;
  let stopped = false;
  let beatTimer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let fenceTimer: NodeJS.Timeout | null = null;
  let backoff = BACKOFF_FIRST_MS;
  let outageSince: number | null = null;
  let outage: { since: number; error: string } | null = null;
  let clockWarned = false;
  let state: 'live' | 'leaving' = 'live';

  const connect = async (fresh: boolean): Promise<void> => {
    const next = await options.open();
    let lost = false;
    next.onLost((error) => {
      if (lost) return;
      lost = true;
      if (session === next) dropSession(error);
    });
    next.onNotify(options.onNotify);
    try {
      if (fresh || lockKey === null)
        lockKey = await within(next.register({ ...options.describe(), hostId, leaseMs }), 5_000, 'registering');
      else await within(next.reattach(lockKey), 5_000, 'taking the lock again');
      session = next;
      upSince = performance.now();
      // A reconnect beats at once: 0 rows means it was reaped while away, and registers anew.
      if (!(await beat())) return;
      registered = true;
      backoff = BACKOFF_FIRST_MS;
      if (outageSince !== null) {
        log('info', `cluster: connected to PostgreSQL again after ${formatElapsed(performance.now() - outageSince)}`);
        outageSince = null;
      }
      outage = null;
      options.onConnected(fresh);
    } catch (error) {
      if (session === next) session = null;
      await next.close().catch(() => {});
      throw error;
    }
  };

  /** One beat; false when the connection failed or this incarnation was reaped (a new one follows). */
  const beat = async (): Promise<boolean> => {
    const current = session;
    if (current === null) return false;
    const sentMono = performance.now();
    const sentAt = clock.hostNow();
    let answer: { updated: boolean; dbNow: number };
    try {
      answer = await within(current.beat(hostId, leaseMs, clock.offsetMs()), beatTimeoutMs, 'heartbeat');
    } catch (error) {
      if (session === current) dropSession(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
    if (!answer.updated) {
      reaped();
      return false;
    }
    fenceUntil = sentMono + leaseMs - marginMs;
    fencedByClaim = false;
    if (fenceTimer !== null) clearTimeout(fenceTimer);
    fenceTimer = setTimeout(fencePassed, Math.max(0, fenceUntil - performance.now()));
    const offset = clock.measure(sentAt, clock.hostNow(), answer.dbNow);
    // Said when it starts and when it ends, not at every beat.
    const skewed = Math.abs(offset) > CLOCK_OFFSET_WARN_MS;
    if (skewed && !clockWarned)
      log(
        'warn',
        `cluster: this host's clock is ${offset} ms off the database's (over 1 s: check its NTP); ` +
          `the engine runs on the database's clock`,
      );
    else if (!skewed && clockWarned) log('info', `cluster: this host's clock is within 1 s of the database's again`);
    clockWarned = skewed;
    options.onBeat?.();
    return true;
  };

  const fencePassed = (): void => {
    fenceTimer = null;
    if (stopped) return;
    // A timer may fire up to a millisecond before performance.now() reaches its instant (timers run on
    // the loop's whole-ms clock): say "fenced" only once whyNot() says so too.
    const left = fenceUntil - performance.now();
    if (left > 0) {
      fenceTimer = setTimeout(fencePassed, Math.ceil(left));
      return;
    }
    log('warn', 'cluster: no heartbeat within the lease: this host is fenced and starts no cluster run');
    options.onFenced?.();
  };

  const scheduleBeat = (): void => {
    if (stopped) return;
    beatTimer = setTimeout(() => {
      beatTimer = null;
      void beat().finally(scheduleBeat);
    }, beatMs);
  };

  /** This incarnation is dead to the cluster: a new one, with a new id and lock, on a new connection. */
  const reaped = (): void => {
    log('warn', `cluster: host ${hostId} was declared dead by a peer; registering again as a new incarnation`);
    registered = false;
    hostId = randomUUID();
    lockKey = null;
    const old = session;
    session = null;
    void old?.close().catch(() => {});
    reconnect(true);
  };

  const dropSession = (error: Error): void => {
    const old = session;
    session = null;
    // Still registered: the row lives on its lease, and claims (on the pool) go on until the fence.
    upSince = Infinity;
    void old?.close().catch(() => {});
    if (stopped) return;
    outage ??= { since: Date.now(), error: error.message };
    if (outageSince === null) {
      outageSince = performance.now();
      log(
        'warn',
        `cluster: lost the PostgreSQL connection (${error.message}); claims wait for it while the lease lasts`,
      );
    }
    reconnect(false);
  };

  const reconnect = (fresh: boolean): void => {
    if (stopped || retryTimer !== null) return;
    const wait = Math.round(backoff * (0.5 + Math.random() / 2));
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (stopped) return;
      connect(fresh).catch((error: unknown) => {
        outage ??= { since: Date.now(), error: describe(error) };
        if (outageSince === null) {
          outageSince = performance.now();
          log('warn', `cluster: cannot reach PostgreSQL (${describe(error)}); retrying with backoff`);
        }
        reconnect(fresh);
      });
    }, wait);
  };

  const ready = connect(true).then(() => {
    if (!registered) throw new Error('the host row could not be registered');
    scheduleBeat();
  });

  return {
    hostId: () => hostId,
    canClaim: () => whyNot() === null,
    whyNot,
    upForMs: () => (session === null ? 0 : Math.max(0, performance.now() - upSince)),
    fenced: () => {
      fencedByClaim = true;
    },
    outage: () => outage,
    selfState: () => {
      if (stopping || state === 'leaving') return 'leaving';
      if (!registered) return 'registering';
      return whyNot() === null ? 'live' : 'fenced';
    },
    ready,
    async leave() {
      stopping = true;
      state = 'leaving';
      await session?.setState(hostId, 'leaving').catch(() => {});
    },
    async stop() {
      stopping = true;
      const last = session;
      if (last !== null) await last.setState(hostId, 'gone').catch(() => {});
      stopped = true;
      if (beatTimer !== null) clearTimeout(beatTimer);
      if (retryTimer !== null) clearTimeout(retryTimer);
      if (fenceTimer !== null) clearTimeout(fenceTimer);
      session = null;
      await last?.close().catch(() => {});
    },
  };

  function whyNot(): string | null {
    if (stopping || state === 'leaving') return 'this daemon is stopping';
    if (!registered) return 'this host is not registered in the cluster (PostgreSQL is not reachable)';
    if (fencedByClaim) return 'this host is fenced (its lease is not current)';
    if (performance.now() >= fenceUntil)
      return session === null
        ? 'PostgreSQL is not reachable and the lease ran out: this host is fenced'
        : 'no heartbeat within the lease: this host is fenced';
    return null;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
