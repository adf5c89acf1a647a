// Which boot this is (daemon/boot-id.ts) and the daemon's decision from it (daemon/reboot-tasks.ts):
// a boot already seen skips the @reboot tasks under once-per-boot, fires them under every-start,
// and the boot is recorded only when they were fired.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { RebootPolicy } from '../../src/config/types.js';
import { BOOT_ID_FILE_VARIABLE, parseKernBoottime, readBootId, sameBoot } from '../../src/daemon/boot-id.js';
import { planRebootTasks } from '../../src/daemon/reboot-tasks.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { every, makeTask } from '../support/engine-task.js';

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'taskkit-boot-'));
  store = openSqliteStore({ path: join(dir, 'taskkit.db') });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = Date.parse('2026-12-03T12:00:00.000Z');

function bootFile(content: string): Record<string, string> {
  const path = join(dir, 'boot_id');
  writeFileSync(path, content);
  return { [BOOT_ID_FILE_VARIABLE]: path };
}

describe('readBootId', () => {
  test('the boot id file, trimmed (Linux: /proc/sys/kernel/random/boot_id)', () => {
    expect(readBootId({ env: bootFile('4a3b-1\n'), platform: 'linux', now: NOW })).toBe('4a3b-1');
  });

  test('on Linux without the test variable: the kernel boot id, the same at every read', () => {
    const first = readBootId({ env: {}, platform: 'linux', now: NOW });
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(readBootId({ env: {}, platform: 'linux', now: NOW + 5000 })).toBe(first);
  });

  test('elsewhere without sysctl: the boot time from the uptime, to the minute', () => {
    const id = readBootId({ env: {}, platform: 'sunos', now: NOW });
    expect(id).toMatch(/^uptime-boot:\d+$/);
    expect(Number(id.slice('uptime-boot:'.length)) % 60_000).toBe(0);
  });

  test("macOS and the BSDs: sysctl's kern.boottime", () => {
    expect(parseKernBoottime('{ sec = 1764750000, usec = 123456 } Thu Dec  3 08:20:00 2026\n')).toBe(
      'kern.boottime:1764750000.123456',
    );
    expect(parseKernBoottime('nonsense')).toBeNull();
  });
});

describe('sameBoot', () => {
  test('equal ids; two uptime estimates a minute apart are one boot, two minutes are not', () => {
    expect(sameBoot('a', 'a')).toBe(true);
    expect(sameBoot('a', 'b')).toBe(false);
    expect(sameBoot('uptime-boot:600000', 'uptime-boot:660000')).toBe(true);
    expect(sameBoot('uptime-boot:600000', 'uptime-boot:720000')).toBe(false);
    expect(sameBoot('uptime-boot:600000', 'kern.boottime:600.0')).toBe(false);
  });
});

describe('planRebootTasks', () => {
  const tasks = [makeTask('boot', { schedule: { kind: 'reboot' } }), makeTask('tick', { schedule: every('1m') })];

  function plan(bootId: string, policy: RebootPolicy = 'once-per-boot') {
    const logs: string[] = [];
    const sources = { env: bootFile(bootId), platform: 'linux' as const, now: NOW };
    const result = planRebootTasks(store, policy, tasks, sources, (_level, message) => logs.push(message));
    return { ...result, logs };
  }

  test('a boot not seen fires, and is recorded only once fired() is called', () => {
    const first = plan('boot-1');
    expect(first.start).toEqual({ rebootTasks: 'fire' });
    expect(store.lastBootId()).toBeNull();
    first.fired();
    expect(store.lastBootId()).toBe('boot-1');
  });

  test('the same boot again skips them, says so in the log, and records nothing new', () => {
    plan('boot-1').fired();
    const again = plan('boot-1');
    expect(again.start).toEqual({ rebootTasks: 'skip' });
    expect(again.logs).toEqual([expect.stringMatching(/^@reboot: 1 task\(s\) not run: an earlier daemon ran them/)]);
    const next = plan('boot-2');
    expect(next.start).toEqual({ rebootTasks: 'fire' });
    next.fired();
    expect(store.lastBootId()).toBe('boot-2');
  });

  test('a crash before fired() (nothing recorded) fires them again at the next start', () => {
    plan('boot-1');
    expect(plan('boot-1').start).toEqual({ rebootTasks: 'fire' });
  });

  test('every-start fires in a boot already seen, and records the boot', () => {
    plan('boot-1').fired();
    const again = plan('boot-1', 'every-start');
    expect([again.start, again.logs]).toEqual([{ rebootTasks: 'fire' }, []]);
  });
});
