/** `taskkit validate` and `taskkit exec`, in-process through runCli with real task processes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createMemoryIo } from '../support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'taskkit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = createMemoryIo({ cwd: dir, env: { HOME: dir, TZ: 'UTC', PATH: process.env['PATH'] } });
  const code = await runCli(args, io);
  return { code, out: io.stdoutText(), err: io.stderrText() };
}

const valid = write('valid.yaml', [
  'tasks:',
  '  ok:',
  '    run: echo "hello from $TASKKIT_TASK"',
  '  fails:',
  '    run: echo out; echo err >&2; exit 3',
  '  argv:',
  '    command: [sh, -c, "echo argv $0", x]',
  '  missing:',
  '    command: [definitely-not-a-command-xyz]',
]);

describe('validate', () => {
  test('a valid file: exit 0 and the task count', async () => {
    const result = await cli(['validate', valid]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/valid\.yaml: 4 tasks, valid/);
  });

  test('an invalid file: exit 2 and every problem with its line and column', async () => {
    const broken = write('broken.yaml', [
      'tasks:',
      '  a:',
      '    every: 5 minutes',
      '    run: "true"',
      '  b:',
      '    run: "true"',
      '    shedule: x',
    ]);
    const result = await cli(['validate', broken]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/broken\.yaml:3:12: task "a": .*"5 minutes"/);
    expect(result.err).toMatch(/broken\.yaml:7:5: task "b": unknown key "shedule"/);
  });

  test('--json lists the issues with positions', async () => {
    const broken = write('broken2.yaml', ['tasks:', '  a:', '    daily: "25:00"', '    run: "true"']);
    const result = await cli(['validate', broken, '--json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.out) as {
      valid: boolean;
      issues: { line: number; column: number; task: string }[];
    };
    expect(report.valid).toBe(false);
    expect(report.issues).toMatchObject([{ line: 3, column: 12, task: 'a' }]);
  });

  test('a missing file: exit 2 naming it', async () => {
    const result = await cli(['validate', join(dir, 'nope.yaml')]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('nope.yaml');
  });
});

describe('exec', () => {
  test('runs the task here with its output and TASKKIT_* environment, exit 0', async () => {
    const result = await cli(['exec', 'ok', '-c', valid]);
    expect(result.code).toBe(0);
    expect(result.out).toBe('hello from ok\n');
  });

  test("passes the task's exit code on and says how it ended; the task's stderr goes to stderr", async () => {
    const result = await cli(['exec', 'fails', '-c', valid]);
    expect(result.code).toBe(3);
    expect(result.out).toBe('out\n');
    expect(result.err).toMatch(/^err\ntaskkit: fails exited with code 3/);
  });

  test('argv commands run without a shell', async () => {
    const result = await cli(['exec', 'argv', '-c', valid]);
    expect(result.out).toBe('argv x\n');
  });

  test('a missing binary fails cleanly with exit 1 and a clear message', async () => {
    const result = await cli(['exec', 'missing', '-c', valid]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/definitely-not-a-command-xyz/);
    expect(result.err).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  test('--json prints the run record', async () => {
    const result = await cli(['exec', 'fails', '-c', valid, '--json']);
    const run = JSON.parse(result.out) as Record<string, unknown>;
    expect(run).toMatchObject({
      task: 'fails',
      status: 'failed',
      exitCode: 3,
      trigger: 'manual',
      outputTruncated: false,
    });
    expect(run['output']).toContain('err');
  });

  test(
    '--json is the RunView every verb prints (control/views.ts), with output; id 0: ' + 'exec keeps no history',
    async () => {
      const result = await cli(['exec', 'fails', '-c', valid, '--json']);
      const run = JSON.parse(result.out) as Record<string, unknown>;
      const runViewFields = [
        'id',
        'task',
        'trigger',
        'status',
        'scheduledAt',
        'createdAt',
        'startedAt',
        'endedAt',
        'durationMs',
        'exitCode',
        'signal',
        'attempt',
        'pid',
        'outputBytes',
        'outputTruncated',
        'stop',
        'error',
        'outcome',
        'skipReason',
        'skipCount',
        'skipMore',
        'skipFirstAt',
        'skipLastAt',
      ];
      expect(Object.keys(run).sort()).toEqual([...runViewFields, 'output', 'outputBase64'].sort());
      expect(run).toMatchObject({
        id: 0,
        attempt: 1,
        scheduledAt: null,
        outcome: 'exited with code 3',
        createdAt: run['startedAt'],
      });
    },
  );

  test('an unknown task: exit 1 with the closest name', async () => {
    const result = await cli(['exec', 'okk', '-c', valid]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no task named "okk" \(did you mean "ok"\)/);
  });

  test('an unknown verb is a usage error with a suggestion', async () => {
    const result = await cli(['exce']);
    expect(result.code).toBe(2);
    expect(result.err).toBe('taskkit: unknown verb "exce" (did you mean "exec"); see taskkit help\n');
  });
});
