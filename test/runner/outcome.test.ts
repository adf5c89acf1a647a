import { describe, expect, test } from 'vitest';
import { describeOutcome, describeStartFault, describeStop } from '../../src/runner/outcome.js';
import type { RunStop, StopCause } from '../../src/runner/types.js';

const run = (
  status: string,
  fields: { exitCode?: number | null; signal?: string | null; error?: string | null; stop?: RunStop | null } = {},
) => ({
  status,
  exitCode: fields.exitCode ?? null,
  signal: fields.signal ?? null,
  error: fields.error ?? null,
  stop: fields.stop ?? null,
});

/** A stop with the defaults of a process run stopped by SIGTERM alone. */
const stop = (cause: StopCause, fields: Partial<RunStop> = {}): RunStop => ({
  cause,
  afterMs: 30_000,
  signals: ['SIGTERM'],
  killAfterMs: 10_000,
  abandoned: null,
  ...fields,
});

describe('describeOutcome', () => {
  test.each([
    ['success', run('succeeded', { exitCode: 0 }), 'succeeded'],
    ['non-zero exit', run('failed', { exitCode: 3 }), 'exited with code 3'],
    ['shell: command not found is just exit 127', run('failed', { exitCode: 127 }), 'exited with code 127'],
    ['killed by a signal taskkit did not send', run('failed', { signal: 'SIGKILL' }), 'killed by SIGKILL'],
    ['could not start', run('failed', { error: 'command not found: foo' }), 'failed: command not found: foo'],
    [
      'a JS task that threw (exit code 1 plus its message)',
      run('failed', { exitCode: 1, error: 'boom' }),
      'failed: boom',
    ],
    ['failed with nothing known', run('failed'), 'failed'],
    [
      'timed out, the runner stop',
      run('timed-out', { signal: 'SIGKILL', stop: stop('timeout', { signals: ['SIGTERM', 'SIGKILL'] }) }),
      'timed out after 30s; sent SIGTERM, then SIGKILL after 10s',
    ],
    [
      'timed out, some other wording',
      run('timed-out', { error: 'worker did not stop' }),
      'timed out: worker did not stop',
    ],
    ['timed out, no error', run('timed-out'), 'timed out'],
    [
      'cancelled',
      run('cancelled', { signal: 'SIGTERM', stop: stop('cancel') }),
      'cancelled (by taskkit cancel; sent SIGTERM)',
    ],
    ['replaced', run('cancelled', { stop: stop('replace') }), 'cancelled (replaced by a new run; sent SIGTERM)'],
    [
      'stopped by shutdown',
      run('cancelled', { stop: stop('shutdown', { signals: [] }) }),
      'cancelled (stopped by shutdown)',
    ],
    [
      'dropped before it started (the engine says why)',
      run('cancelled', { error: 'cancelled by taskkit cancel before it started' }),
      'cancelled (by taskkit cancel before it started)',
    ],
    ['cancelled, no error', run('cancelled'), 'cancelled'],
    [
      'interrupted',
      run('interrupted', { error: 'the daemon stopped while it ran' }),
      'interrupted (the daemon stopped while it ran)',
    ],
    ['skipped', run('skipped', { error: 'still running (overlap: skip)' }), 'skipped: still running (overlap: skip)'],
    ['queued', run('queued'), 'queued'],
    ['running', run('running'), 'running'],
  ])('%s', (_name, facts, expected) => {
    expect(describeOutcome(facts)).toBe(expected);
  });

  test('reads as a sentence after the task name, as the CLI and daemon log print it', () => {
    expect(`fails ${describeOutcome(run('failed', { exitCode: 3 }))}`).toMatch(/fails exited with code 3/);
    expect(`slow #1 ${describeOutcome(run('cancelled', { stop: stop('shutdown') }))}`).toMatch(/slow #1 cancelled/);
  });
});

describe('describeStop: every fact of a stop, in one phrase', () => {
  test.each<[string, RunStop, string]>([
    ['a timeout says its own length', stop('timeout', { afterMs: 500 }), 'timed out after 500ms; sent SIGTERM'],
    [
      'SIGKILL comes after kill-after',
      stop('timeout', { afterMs: 1_000, signals: ['SIGTERM', 'SIGKILL'], killAfterMs: 300 }),
      'timed out after 1s; sent SIGTERM, then SIGKILL after 300ms',
    ],
    ['nothing to signal (a JS task) says nothing sent', stop('cancel', { signals: [] }), 'cancelled by taskkit cancel'],
    ['replace', stop('replace'), 'replaced by a new run; sent SIGTERM'],
    [
      'shutdown',
      stop('shutdown', { signals: ['SIGTERM', 'SIGKILL'], killAfterMs: 200 }),
      'stopped by shutdown; sent SIGTERM, then SIGKILL after 200ms',
    ],
    [
      'a cancel that overtook a timeout in its kill-after says both',
      stop('cancel', {
        afterMs: 35_000,
        signals: ['SIGTERM', 'SIGKILL'],
        killAfterMs: 10_000,
        timedOutAfterMs: 30_000,
      }),
      'cancelled by taskkit cancel in the kill-after of its 30s timeout; sent SIGTERM, then SIGKILL after 10s',
    ],
    [
      'an abandoned function',
      stop('timeout', { afterMs: 1_000, signals: [], killAfterMs: 100, abandoned: 'function' }),
      'timed out after 1s; the function did not return within kill-after 100ms and was abandoned',
    ],
    [
      'a module whose worker was terminated',
      stop('shutdown', { signals: [], killAfterMs: 100, abandoned: 'module' }),
      'stopped by shutdown; the module did not return within kill-after 100ms and its worker was terminated',
    ],
  ])('%s', (_name, facts, expected) => {
    expect(describeStop(facts)).toBe(expected);
  });
});

describe('describeStartFault: why a process could not start', () => {
  test.each([
    [{ kind: 'fd-limit' } as const, 'cannot start: too many open files'],
    [{ kind: 'not-found', file: 'foo' } as const, 'command not found: foo'],
    [{ kind: 'permission', file: './x.sh' } as const, 'permission denied: ./x.sh'],
    [
      { kind: 'no-interpreter', file: './x.sh' } as const,
      'cannot start ./x.sh: its interpreter (#! line) was not found',
    ],
    [{ kind: 'cwd-missing', cwd: '/nope' } as const, 'working directory does not exist: /nope'],
    [{ kind: 'cwd-not-directory', cwd: '/etc/passwd' } as const, 'working directory is not a directory: /etc/passwd'],
    [{ kind: 'cwd-permission', cwd: '/root' } as const, 'permission denied: working directory /root'],
    [{ kind: 'other', file: 'sh', detail: 'spawn E2BIG' } as const, 'cannot start sh: spawn E2BIG'],
  ])('%j', (fault, expected) => {
    expect(describeStartFault(fault)).toBe(expected);
  });
});
