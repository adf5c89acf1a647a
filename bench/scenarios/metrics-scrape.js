// Scenario 9 (issue 19.2): scraping /metrics of a daemon with `total` tasks. `taskkit start
// --foreground` (the detached daemon's node flags) with `settings.http` on loopback holds `total`
// tasks, of which `firing` fire every second as scenario 2's bash line, which records its own start
// (lateness = start - TASKKIT_SCHEDULED_AT). The window is split into halves: `quiet` (no request)
// and `scraping` (GET /metrics back to back, `pauseMs` apart: a far heavier load than Prometheus'
// one scrape every 15 s), in the order quiet, scraping, scraping, quiet so that a burst of load from
// other users of the machine falls on both alike. Reports the scrape's wall time (request to last
// byte) and body size, and the start lateness of each half.
// Usage: node bench/scenarios/metrics-scrape.js TOTAL FIRING SECONDS [PAUSE_MS=100] [WARMUP=2]
// Prints one JSON line.
import { request } from 'node:http';
import { createServer } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from '../../dist/daemon/detach.js';
import { makeTempDir, sleep, startDaemon, summarize, writeTasksFile } from '../lib.js';

const [totalArg = '10000', firingArg = '5', secondsArg = '8', pauseArg = '100', warmupArg = '2'] =
  process.argv.slice(2);
const [total, firing, seconds, pauseMs, warmup] = [totalArg, firingArg, secondsArg, pauseArg, warmupArg].map(Number);
const SECOND = 1000;
const temp = makeTempDir();
const out = join(temp.dir, 'starts.txt');
const line = `echo "$TASKKIT_SCHEDULED_AT $EPOCHREALTIME" >> ${out}`;

const port = await freePort();
const firingLines = Array.from({ length: firing }, () => [
  'every: 1s',
  'shell: /bin/bash',
  `run: ${JSON.stringify(line)}`,
]);
const file = writeTasksFile({
  dir: temp.dir,
  total,
  firing: firingLines,
  settings: ['max-concurrent: 64', `http: 127.0.0.1:${port}`],
});
const daemon = await startDaemon({ configPath: file.path, socket: file.socket, nodeFlags: DAEMON_NODE_FLAGS });

const scrapes = [];
let bytes = 0;
let series = 0;
// The socket answers before the listener is bound (its last start-up step): wait for it. The first
// scrape also loads prom-client's code paths: not measured.
for (let tries = 0; ; tries++) {
  try {
    await scrape();
    break;
  } catch (error) {
    if (tries > 300) throw error;
    await sleep(20);
  }
}
await sleep(warmup * SECOND);

// Halves of whole seconds: quiet, scraping, scraping, quiet.
const half = Math.max(1, Math.round(seconds / 4));
const phases = ['quiet', 'scraping', 'scraping', 'quiet'];
const windows = [];
let from = Math.ceil((Date.now() + 200) / SECOND) * SECOND;
for (const phase of phases) {
  const to = from + half * SECOND;
  windows.push({ phase, from, to });
  await sleep(from - Date.now());
  if (phase === 'scraping') {
    while (Date.now() < to) {
      const started = performance.now();
      const body = await scrape();
      scrapes.push(performance.now() - started);
      bytes = body.length;
      series = body.split('\n').filter((row) => row !== '' && !row.startsWith('#')).length;
      await sleep(pauseMs);
    }
  }
  await sleep(to - Date.now());
  from = to;
}
await sleep(SECOND); // the window's last commands finish writing
await daemon.stop();

const lateness = { quiet: [], scraping: [] };
const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
for (const row of text.split('\n')) {
  const [iso, startedSeconds] = row.split(' ');
  const scheduled = Date.parse(iso);
  const window = windows.find((each) => scheduled >= each.from && scheduled < each.to);
  if (window !== undefined) lateness[window.phase].push(Number(startedSeconds) * 1000 - scheduled);
}
temp.remove();
console.log(
  JSON.stringify({
    total,
    firing,
    seconds: half * 4,
    pauseMs,
    scrapes: summarize(scrapes),
    bodyBytes: bytes,
    series,
    quiet: { lateness: summarize(lateness.quiet), starts: lateness.quiet.length, expected: firing * half * 2 },
    scraping: { lateness: summarize(lateness.scraping), starts: lateness.scraping.length, expected: firing * half * 2 },
  }),
);

function scrape() {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(Buffer.concat(chunks).toString('utf8'))
          : reject(new Error(`/metrics answered ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
}
