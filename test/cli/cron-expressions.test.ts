/**
 * Issue 13.3 through bin/taskkit as a user types it: cron lists with repeated items and weekday
 * ranges ending on Sunday are accepted with cronie's meaning, W/LW work, and a bad field is
 * reported in taskkit's own words at its column, with a caret under it (exit 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { killAll, runTaskkit } from '../support/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'taskkit-cron-cli-'));
afterEach(() => killAll());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('taskkit next --cron', () => {
  test('0 6 * * 0,7: Sundays at 06:00', async () => {
    const result = await runTaskkit(
      ['next', '--cron', '0 6 * * 0,7', '-n', '2', '--from', '2026-01-01T00:00', '--json'],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(JSON.stringify(JSON.parse(result.stdout))).toContain('2026-01-04T06:00:00.000Z');
    expect(result.stdout).toContain('2026-01-11T06:00:00.000Z');
  });

  test('0 9 15W * * in a month whose 15th is a Saturday: Friday the 14th', async () => {
    const result = await runTaskkit(
      ['next', '--cron', '0 9 15W * *', '-n', '1', '--from', '2026-08-01T00:00', '--json'],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2026-08-14T09:00:00.000Z');
  });

  test("a bad field: taskkit's words, exit 2", async () => {
    const result = await runTaskkit(['next', '--cron', '*/15,30 9-17,12 * * 5-0,8'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('taskkit: --cron: cron field "day-of-week" out of range (0-7): 8\n');
  });
});

describe('taskkit validate', () => {
  test('repeated items, fri-sun and LW are valid', async () => {
    const file = join(dir, 'valid.yaml');
    writeFileSync(
      file,
      'tasks:\n  a:\n    cron: "0 6 * * sun,7"\n    run: "true"\n  b:\n    cron: 0 22 * * fri-sun\n    run: ' +
        '"true"\n  c:\n    cron: "0 0 LW,L-2 * *"\n    run: "true"\n',
    );
    const result = await runTaskkit(['validate', file], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 tasks, valid');
  });

  test('a bad field is shown at its column', async () => {
    const file = join(dir, 'invalid.yaml');
    writeFileSync(file, 'tasks:\n  rotate:\n    cron: "*/15 * * jan,13 1-5"\n    run: "true"\n');
    const result = await runTaskkit(['validate', file], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:3:25: task "rotate": cron field "month" out of range (1-12): 13\n`);
    expect(result.stderr).toContain('        cron: "*/15 * * jan,13 1-5"\n                            ^\n');
  });
});
