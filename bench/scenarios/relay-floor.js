// Diagnostic for scenario 5 at max-concurrent 1 (issue 20, not part of the run): what share of the raw
// spawn loop the daemon's two-process architecture itself allows, with no taskkit code at all.
// Rounds interleave (order reversed every other round, so drift falls on all alike):
//   raw            scenario 5's limit exactly (throughput.js measureRaw at C = 1): spawn `sh -c true`
//                  (own process group, stdout/stderr piped and drained), the next one on 'close'.
//   relay          the same loop through a relay: one request per run on the IPC channel (JSON, as
//                  spawner-client.ts sends) to a small Node child forked at the start (with the
//                  spawner's node flags), which spawns the same command the same way and writes its
//                  exit on its stdout pipe (as spawner-main.ts does) when the run's pipes closed; the
//                  next request goes only on that report.
//   relay+commit   the relay plus one SQLite commit per run in the parent, on the report and before
//                  the next request (better-sqlite3, the store's pragmas: WAL, synchronous NORMAL):
//                  one transaction that ends the run's row and inserts the next one's, the journal
//                  rule's commit-before-spawn with the end riding on it.
//   relay+2commits the same with two transactions per run (the end, then the next run's claim).
//   spawner        the relay through taskkit's own spawner process (dist/bin/spawner.cjs, its protocol:
//                  a `spawn` message per run, the next on the run's `end` frame), without the daemon:
//                  what the spawner adds (needs `npm run build`).
// Prints per round and mode runs/s, then one JSON line: the median of the rounds for each mode, the
// median of the per-round ratios to raw, each mode's added wall time per run over raw, the median time
// a spawn() call blocked the process that made it (the parent's in raw, the relay child's else), and the load.
// Usage: node bench/scenarios/relay-floor.js [RUNS_PER_ROUND=500] [ROUNDS=7] [MODES=raw,relay,relay+commit]
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { makeTempDir } from '../lib.js';

/** How long each spawn() call blocked its caller (libuv forks, then waits for the exec), in ms. */
let spawnCallsMs = [];

/** The same command, spawned the same way, in the raw loop and in the relay child. */
function spawnTrue() {
  const before = performance.now();
  const child = spawn('/bin/sh', ['-c', 'true'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  spawnCallsMs.push(performance.now() - before);
  child.stdout.resume();
  child.stderr.resume();
  return child;
}

/** The relay child: spawn per request, report `x ID CODE` on stdout once the run's pipes closed. */
function runRelayChild() {
  process.on('message', (message) => {
    // Between rounds the parent asks for the spawn() times of the last one (as `t MEDIAN_MS`).
    if (message.id === 'spawn-calls') {
      process.stdout.write(`t ${median(spawnCallsMs)}\n`);
      spawnCallsMs = [];
      return;
    }
    const { id } = message;
    const child = spawnTrue();
    child.once('error', () => process.stdout.write(`x ${id} -1\n`));
    child.once('close', (code) => process.stdout.write(`x ${id} ${code}\n`));
  });
  process.once('disconnect', () => process.exit(0));
}

/** The relay child's median spawn() time since the last ask. */
function relaySpawnCallMs(relay) {
  return new Promise((resolve) => {
    relay.stdout.once('data', (line) => resolve(Number(line.split(' ')[1])));
    relay.send({ id: 'spawn-calls' });
  });
}

/** The raw loop at C = 1, as throughput.js times it: first start to last close. */
async function measureRaw(runs) {
  const one = () =>
    new Promise((resolve, reject) => {
      const child = spawnTrue();
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await one();
  return performance.now() - t0;
}

/** The relay loop: request, wait for the exit report, (commit,) request the next. */
function measureRelay(relay, runs, commit) {
  return new Promise((resolve, reject) => {
    let done = 0;
    let buffered = '';
    const t0 = performance.now();
    const onData = (piece) => {
      buffered += piece;
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const [, , code] = buffered.slice(0, end).split(' ');
        buffered = buffered.slice(end + 1);
        if (code !== '0') return finish(new Error(`relay run exited ${code}`));
        done++;
        if (done === runs) return finish(null);
        commit?.(done);
        relay.send({ id: done });
      }
    };
    const finish = (error) => {
      relay.stdout.off('data', onData);
      if (error !== null) reject(error);
      else resolve(performance.now() - t0);
    };
    relay.stdout.on('data', onData);
    commit?.(0);
    relay.send({ id: 0 });
  });
}

/**
 * The relay loop through taskkit's own spawner (dist/bin/spawner.cjs, as spawner-client.ts forks it):
 * its protocol (spawn-protocol.ts), no daemon. The next request goes on the run's `end` frame.
 */
function measureSpawner(spawner, runs, baseEnv) {
  return new Promise((resolve, reject) => {
    let done = 0;
    let buffered = '';
    const t0 = performance.now();
    const request = (id) =>
      spawner.send({
        kind: 'spawn',
        ...(id === 0 ? { baseEnv } : {}),
        requests: [{ id, file: '/bin/sh', args: ['-c', 'true'], cwd: process.cwd(), env: {}, outputLimitBytes: 65536 }],
      });
    const onData = (piece) => {
      buffered += piece;
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const fields = buffered.slice(0, end).split(' ');
        // `e ID TRUNCATED BYTES LENGTH` then LENGTH characters of output (none from `true`).
        const textLength = fields[0] === 'e' || fields[0] === 'o' || fields[0] === 'f' ? Number(fields.at(-1)) : 0;
        if (buffered.length < end + 1 + textLength) return;
        buffered = buffered.slice(end + 1 + textLength);
        if (fields[0] === 'x' && fields[2] !== '0') return finish(new Error(`spawner run exited ${fields[2]}`));
        if (fields[0] !== 'e') continue;
        done++;
        if (done === runs) return finish(null);
        request(done);
      }
    };
    const finish = (error) => {
      spawner.stdout.off('data', onData);
      if (error !== null) reject(error);
      else resolve(performance.now() - t0);
    };
    spawner.stdout.on('data', onData);
    request(0);
  });
}

/** A database as the store opens one (src/store/sqlite/open.ts), with a runs table of the usual shape. */
function openJournal(dir) {
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`journal_size_limit = ${8 * 1024 * 1024}`);
  db.pragma('busy_timeout = 100');
  db.exec(
    'CREATE TABLE runs (id INTEGER PRIMARY KEY, task TEXT NOT NULL, status TEXT NOT NULL, ' +
      'started_at INTEGER NOT NULL, ended_at INTEGER, exit_code INTEGER, output TEXT)',
  );
  const insert = db.prepare("INSERT INTO runs (task, status, started_at) VALUES (?, 'running', ?)");
  const end = db.prepare("UPDATE runs SET status = 'succeeded', ended_at = ?, exit_code = 0, output = '' WHERE id = ?");
  let last = 0;
  const endLast = () => {
    if (last !== 0) end.run(Date.now(), last);
  };
  const claimNext = (i) => {
    last = Number(insert.run(`lane-0-${i}`, Date.now()).lastInsertRowid);
  };
  const both = db.transaction((i) => {
    endLast();
    claimNext(i);
  });
  const endTx = db.transaction(endLast);
  const claimTx = db.transaction(claimNext);
  return {
    oneCommit: (i) => both(i),
    twoCommits: (i) => {
      endTx();
      claimTx(i);
    },
    close: () => db.close(),
  };
}

function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const [runsArg = '500', roundsArg = '7', modesArg = 'raw,relay,relay+commit'] = process.argv.slice(2);
  const runs = Number(runsArg);
  const rounds = Number(roundsArg);
  const modes = modesArg.split(',');
  const relay = fork(fileURLToPath(import.meta.url), ['relay'], {
    execArgv: ['--max-semi-space-size=1'],
    serialization: 'json',
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  relay.stdout.setEncoding('latin1');
  // taskkit's spawner, forked as spawner-client.ts does (mode `spawner`; needs `npm run build`).
  const spawner = modes.includes('spawner')
    ? fork(fileURLToPath(new URL('../../dist/bin/spawner.cjs', import.meta.url)), [], {
        execArgv: ['--max-semi-space-size=1'],
        serialization: 'json',
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      })
    : null;
  spawner?.stdout.setEncoding('latin1');
  let spawnerRounds = 0;
  const temp = makeTempDir('taskkit-bench-floor-');
  const journal = openJournal(temp.dir);
  const measure = (mode, n) => {
    switch (mode) {
      case 'raw':
        return measureRaw(n);
      case 'relay':
        return measureRelay(relay, n);
      case 'relay+commit':
        return measureRelay(relay, n, journal.oneCommit);
      case 'relay+2commits':
        return measureRelay(relay, n, journal.twoCommits);
      case 'spawner':
        return measureSpawner(spawner, n, spawnerRounds++ === 0 ? { ...process.env } : undefined);
      default:
        throw new Error(`unknown mode ${mode}`);
    }
  };
  const loadBefore = loadavg();
  for (const mode of modes) await measure(mode, Math.min(100, runs)); // warm-up, not counted
  const rates = Object.fromEntries(modes.map((mode) => [mode, []]));
  const cpu = Object.fromEntries(modes.map((mode) => [mode, []]));
  const spawnCall = Object.fromEntries(modes.map((mode) => [mode, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? modes : [...modes].reverse();
    const line = [];
    for (const mode of order) {
      const cpuBefore = process.cpuUsage();
      // The child that spawns in this mode: its CPU counts with the parent's.
      const helper = mode === 'raw' ? null : mode === 'spawner' ? spawner : relay;
      const helperBefore = helper === null ? 0 : cpuMsOf(helper.pid);
      spawnCallsMs = [];
      if (helper === relay) await relaySpawnCallMs(relay);
      const elapsedMs = await measure(mode, runs);
      const used = process.cpuUsage(cpuBefore);
      const relayMs = helper === null ? 0 : cpuMsOf(helper.pid) - helperBefore;
      // The spawner does not say how long its spawn() calls took.
      spawnCall[mode].push(
        helper === null ? median(spawnCallsMs) : helper === relay ? await relaySpawnCallMs(relay) : NaN,
      );
      rates[mode].push((runs / elapsedMs) * 1000);
      cpu[mode].push(((used.user + used.system) / 1000 + relayMs) / runs);
      line.push(`${mode} ${rates[mode].at(-1).toFixed(0)}/s`);
    }
    console.error(`round ${round + 1}: ${line.join(', ')}; load ${loadavg()[0].toFixed(2)}`);
  }
  relay.disconnect();
  spawner?.disconnect();
  journal.close();
  temp.remove();
  const result = { runsPerRound: runs, rounds, load: { before: loadBefore[0], after: loadavg()[0] }, modes: {} };
  for (const mode of modes) {
    const perRoundShare = rates[mode].map((rate, i) => rate / rates.raw[i]);
    const perRoundAddedMs = rates[mode].map((rate, i) => 1000 / rate - 1000 / rates.raw[i]);
    result.modes[mode] = {
      runsPerSec: median(rates[mode]),
      shareOfRaw: median(perRoundShare),
      addedMsPerRun: median(perRoundAddedMs),
      cpuMsPerRun: median(cpu[mode]),
      spawnCallMs: median(spawnCall[mode]),
      rounds: rates[mode].map((rate) => Math.round(rate)),
    };
  }
  console.log(JSON.stringify(result));
}

if (process.argv[2] === 'relay') runRelayChild();
else await main();
