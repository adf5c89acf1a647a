// Scenario 10a (issue 21): claims per second through the pg-store API (dist/store/postgres/claims.js,
// claim_v1) against a throwaway PostgreSQL with fsync and synchronous_commit on.
// - won: one client claims fresh instants of one task back to back (each a commit: a row, WAL, fsync);
//   and 4 clients, each its own task, in parallel. The limit: a bare INSERT into a table with the
//   same unique index, 1 and 4 clients.
// - lost: a second host claims instants already won (the losers' fast path: a read, no transaction
//   id, no WAL). The limit: the bare SELECT by the unique key.
// - race: 3 hosts claim the same fresh instants at once; each instant must be won exactly once.
// Usage: node bench/scenarios/cluster-claims.js SECONDS. Prints one JSON line ({ skipped } without PostgreSQL).
import { randomUUID } from 'node:crypto';
import { pgUnavailable, startPg } from '../pg.js';

const seconds = Number(process.argv[2] ?? '3');
const reason = pgUnavailable();
if (reason !== null) {
  console.log(JSON.stringify({ skipped: reason }));
  process.exit(0);
}

const { default: pg } = await import('pg');
const { claim, newClaimToken } = await import('../../dist/store/postgres/claims.js');
const { registerHost } = await import('../../dist/store/postgres/hosts.js');
const { publishTask } = await import('../../dist/store/postgres/publish.js');

const SCHEMA = 'taskkit';
const FINGERPRINT = 'bench-fingerprint';
const server = startPg();
try {
  await server.createDatabase('bench');
  const url = server.url('bench');
  const connect = async () => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const tasks = ['w0', 'w1', 'w2', 'w3', 'race'];
  // Three host incarnations, each on its own liveness connection (held open: their locks and leases).
  const hosts = [];
  for (const n of [1, 2, 3]) {
    const liveness = await connect();
    const hostId = randomUUID();
    await registerHost(liveness, SCHEMA, {
      hostId,
      hostname: `bench-${n}`,
      pid: process.pid,
      version: 'bench',
      fileDigest: 'bench',
      tasks,
      leaseMs: 3_600_000,
    });
    hosts.push({ hostId, hostname: `bench-${n}`, liveness });
  }
  const policy = {
    retryAttempts: 0,
    retryDelayMs: 0,
    retryBackoff: 1,
    retryMaxDelayMs: 0,
    retryInterrupted: false,
    killGraceMs: 1000,
  };
  for (const task of tasks) {
    await publishTask(hosts[0].liveness, SCHEMA, {
      task,
      fingerprint: FINGERPRINT,
      hostId: hosts[0].hostId,
      fileHold: false,
      policy,
      force: true,
    });
  }
  // Instants one second apart around a day ago (forward from there; the 4-client run backward): never
  // early, never past a deadline (none is set).
  const base = Math.floor(Date.now() / 1000) * 1000 - 86_400_000;
  let nextId = 1;
  const params = (task, host, at) => ({
    task,
    at,
    attempt: 1,
    trigger: 'schedule',
    hostId: host.hostId,
    hostname: host.hostname,
    runId: nextId++,
    token: newClaimToken(),
    fingerprint: FINGERPRINT,
    scheduleRev: 1,
    overlap: 'allow',
    maxRuns: null,
    deadlineMs: null,
    jitterMs: 0,
  });

  /** Back-to-back calls of `once(i)` on one client for `ms`; the count of each outcome kind. */
  async function loop(ms, once) {
    const kinds = {};
    const until = performance.now() + ms;
    let i = 0;
    while (performance.now() < until) {
      const kind = await once(i++);
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    return { calls: i, kinds };
  }

  const windowMs = seconds * 1000;
  const rate = (calls, ms) => (calls / ms) * 1000;

  // Won, 1 client; then the same instants claimed by another host: lost.
  const one = await connect();
  const won1 = await loop(
    windowMs,
    async (i) => (await claim(one, SCHEMA, params('w0', hosts[0], base + i * 1000))).kind,
  );
  const lost = await loop(
    windowMs,
    async (i) => (await claim(one, SCHEMA, params('w0', hosts[1], base + (i % won1.calls) * 1000))).kind,
  );
  // Won, 4 clients, a task each.
  const clients = [one, await connect(), await connect(), await connect()];
  const won4 = await Promise.all(
    clients.map((client, c) =>
      loop(windowMs, async (i) => (await claim(client, SCHEMA, params(`w${c}`, hosts[0], base - (i + 1) * 1000))).kind),
    ),
  );
  // Race: 3 hosts claim the same instants; count the wins per instant afterwards.
  const racers = clients.slice(0, 3);
  const race = await Promise.all(
    racers.map((client, h) =>
      loop(windowMs, async (i) => (await claim(client, SCHEMA, params('race', hosts[h], base + i * 1000))).kind),
    ),
  );
  const { rows: raceRows } = await one.query(`SELECT count(*)::int AS instants FROM ${SCHEMA}.run WHERE task = 'race'`);

  // The limits: a bare unique INSERT (one commit each) and the bare SELECT by the key.
  await one.query('CREATE TABLE bare (task text, at timestamptz, attempt int)');
  await one.query('CREATE UNIQUE INDEX bare_key ON bare (task, at, attempt)');
  const bareInsert = { name: 'bare_insert', text: `INSERT INTO bare VALUES ($1, to_timestamp($2 / 1000.0), 1)` };
  const bareSelect = {
    name: 'bare_select',
    text: `SELECT 1 FROM bare WHERE task = $1 AND at = to_timestamp($2 / 1000.0) AND attempt = 1`,
  };
  const insert1 = await loop(windowMs, async (i) => (await one.query(bareInsert, ['b0', base + i * 1000]), 'inserted'));
  const select1 = await loop(
    windowMs,
    async (i) => (await one.query(bareSelect, ['b0', base + (i % insert1.calls) * 1000]), 'read'),
  );
  const insert4 = await Promise.all(
    clients.map((client, c) =>
      loop(windowMs, async (i) => (await client.query(bareInsert, [`b${c + 1}`, base + i * 1000]), 'inserted')),
    ),
  );

  for (const client of clients) await client.end();
  for (const host of hosts) await host.liveness.end();
  const sum = (results) => results.reduce((total, r) => total + r.calls, 0);
  console.log(
    JSON.stringify({
      seconds,
      won1: { perSecond: rate(won1.kinds.won ?? 0, windowMs), kinds: won1.kinds },
      won4: {
        perSecond: rate(
          won4.reduce((t, r) => t + (r.kinds.won ?? 0), 0),
          windowMs,
        ),
        kinds: won4.map((r) => r.kinds),
      },
      lost: { perSecond: rate(lost.kinds.lost ?? 0, windowMs), kinds: lost.kinds },
      race: {
        attemptsPerSecond: rate(sum(race), windowMs),
        instants: raceRows[0].instants,
        // Each instant has one row; no two racers may both have been told `won` for it.
        wonOutcomes: race.reduce((t, r) => t + (r.kinds.won ?? 0), 0),
        kinds: race.map((r) => r.kinds),
      },
      limit: {
        insert1PerSecond: rate(insert1.calls, windowMs),
        insert4PerSecond: rate(sum(insert4), windowMs),
        selectPerSecond: rate(select1.calls, windowMs),
      },
    }),
  );
} finally {
  server.stop();
}
