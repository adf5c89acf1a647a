// The limit: a bare setTimeout re-armed to each whole second, spawning the same shell line
// `firing` times per second. Lateness = ms from the whole second to the spawn call.
import { spawn } from 'node:child_process';
import { summarize, sleep } from '../lib.js';

const [firing = 10, seconds = 15] = process.argv.slice(2).map(Number);
const lateness = [];
let stopped = false;
function arm() {
  const due = Math.floor(Date.now() / 1000) * 1000 + 1000;
  setTimeout(() => {
    if (stopped) return;
    for (let i = 0; i < firing; i++) {
      lateness.push(Date.now() - due);
      spawn('/bin/sh', ['-c', 'true'], { stdio: 'ignore', detached: true });
    }
    arm();
  }, due - Date.now());
}
arm();
await sleep(1500);
lateness.length = 0;
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await sleep(seconds * 1000);
stopped = true;
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - wallBefore;
console.log(JSON.stringify({ firing, seconds, lateness: summarize(lateness), cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100, rssMb: process.memoryUsage().rss / 2 ** 20 }));
