// The limit: a bare setTimeout re-armed to each due instant, spawning the same shell line.
// `firing` spawns per second, all on the whole second, or (stagger=1) spread evenly over it.
// Lateness = ms from the due instant to the spawn call.
import { spawn } from 'node:child_process';
import { summarize, sleep, staggerOffset } from '../lib.js';

const [firing = 10, seconds = 15, stagger = 0] = process.argv.slice(2).map(Number);
const lateness = [];
let stopped = false;
const offsets = [...new Set(Array.from({ length: firing }, (_, i) => (stagger ? staggerOffset(i, firing) : 0)))];
const perOffset = firing / offsets.length;
function arm(offset) {
  const second = Math.floor((Date.now() - offset) / 1000) * 1000 + 1000;
  const due = second + offset;
  setTimeout(() => {
    if (stopped) return;
    for (let i = 0; i < perOffset; i++) {
      lateness.push(Date.now() - due);
      spawn('/bin/sh', ['-c', 'true'], { stdio: 'ignore', detached: true });
    }
    arm(offset);
  }, due - Date.now());
}
for (const offset of offsets) arm(offset);
await sleep(1500);
lateness.length = 0;
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await sleep(seconds * 1000);
stopped = true;
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - wallBefore;
console.log(JSON.stringify({ firing, seconds, stagger: Boolean(stagger), lateness: summarize(lateness), cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100, rssMb: process.memoryUsage().rss / 2 ** 20 }));
