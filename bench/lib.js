// Shared helpers of the benchmark scenarios: percentiles, a child-process runner, the tasks files.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** p-th percentile (0-100) of numbers, nearest-rank. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Summary of lateness samples in ms. */
export function summarize(samples) {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples.length === 0 ? NaN : Math.max(...samples),
  };
}

/** Run `node bench/scenarios/<name>.js args` and parse the JSON it prints last. */
export function runScenario(name, args = [], nodeArgs = []) {
  const script = new URL(`./scenarios/${name}.js`, import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${name} exited with ${code}`));
      const last = out.trim().split('\n').pop();
      resolve(JSON.parse(last));
    });
  });
}

/**
 * A tasks file with `total` tasks: `firing` shell tasks every second, the rest daily/cron/every
 * tasks whose next instant is far away (so they cost memory, not wake-ups). With `stagger`, the
 * firing tasks' instants are spread evenly over the second (`start` offsets), so no two are due
 * at once; without it they all fall on the whole second.
 */
export function writeTasksFile({ total, firing = 0, command = 'true', stagger = false }) {
  const dir = mkdtempSync(join(tmpdir(), 'taskkit-bench-'));
  const lines = ['settings:', `  state-dir: ${join(dir, 'state')}`, '  timezone: UTC', '  max-concurrent: 64', 'tasks:'];
  for (let i = 0; i < firing; i++) {
    const offsetMs = stagger ? staggerOffset(i, firing) : 0;
    lines.push(`  fire-${i}:`, '    every: 1s', `    start: 2000-01-01T00:00:00.${String(offsetMs).padStart(3, '0')}Z`, `    run: ${JSON.stringify(command)}`);
  }
  for (let i = firing; i < total; i++) {
    const kind = i % 3;
    lines.push(`  idle-${i}:`);
    if (kind === 0) lines.push('    every: 30d', '    start: 2100-01-01T00:00');
    else if (kind === 1) lines.push(`    cron: "${i % 60} ${i % 24} 29 2 *"`);
    else lines.push('    at: 2099-12-31T23:59');
    lines.push('    run: "true"');
  }
  const path = join(dir, 'tasks.yaml');
  writeFileSync(path, lines.join('\n') + '\n');
  return { dir, path };
}

/** Sleep in real time (benchmarks only; tests never do this). */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The ms offset within each second of the i-th of `firing` staggered tasks. */
export function staggerOffset(i, firing) {
  return Math.floor((i * 1000) / firing);
}

/** A whole TaskSpec at the tasks-file defaults (on demand, `run: "true"`), for scenarios that drive the engine or runner directly. */
export function makeTaskSpec(name, overrides = {}) {
  return {
    name,
    description: '',
    schedule: { kind: 'on-demand' },
    timezone: 'UTC',
    action: { kind: 'shell', script: 'true', shell: '/bin/sh' },
    cwd: tmpdir(),
    env: {},
    timeoutMs: null,
    killAfterMs: 10_000,
    overlap: 'skip',
    retry: { attempts: 0, delayMs: 10_000, backoff: 2, maxDelayMs: 600_000 },
    jitterMs: 0,
    catchUp: 'skip',
    deadlineMs: null,
    hold: false,
    maxRuns: null,
    until: null,
    after: [],
    onSuccess: [],
    onFailure: [],
    history: { keep: 200, outputLimitBytes: 256 * 1024 },
    ...overrides,
  };
}
