import { describe, expect, test } from 'vitest';
import { describeOutcome } from '../../src/runner/outcome.js';

const run = (status: string, fields: { exitCode?: number | null; signal?: string | null; error?: string | null } = {}) => ({
  status,
  exitCode: fields.exitCode ?? null,
  signal: fields.signal ?? null,
  error: fields.error ?? null,
});

describe('describeOutcome', () => {
  test.each([
    ['success', run('succeeded', { exitCode: 0 }), 'succeeded'],
    ['non-zero exit', run('failed', { exitCode: 3 }), 'exited with code 3'],
    ['shell: command not found is just exit 127', run('failed', { exitCode: 127 }), 'exited with code 127'],
    ['killed by a signal taskkit did not send', run('failed', { signal: 'SIGKILL' }), 'killed by SIGKILL'],
    ['could not start', run('failed', { error: 'command not found: foo' }), 'failed: command not found: foo'],
    ['a JS task that threw (exit code 1 plus its message)', run('failed', { exitCode: 1, error: 'boom' }), 'failed: boom'],
    ['failed with nothing known', run('failed'), 'failed'],
    [
      'timed out, the runner error',
      run('timed-out', { signal: 'SIGKILL', error: 'timed out after 30s; sent SIGTERM, then SIGKILL after 10s' }),
      'timed out after 30s; sent SIGTERM, then SIGKILL after 10s',
    ],
    ['timed out, some other wording', run('timed-out', { error: 'worker did not stop' }), 'timed out: worker did not stop'],
    ['timed out, no error', run('timed-out'), 'timed out'],
    ['cancelled', run('cancelled', { signal: 'SIGTERM', error: 'cancelled by taskkit cancel; sent SIGTERM' }), 'cancelled (by taskkit cancel; sent SIGTERM)'],
    ['replaced', run('cancelled', { error: 'replaced by a new run; sent SIGTERM' }), 'cancelled (replaced by a new run; sent SIGTERM)'],
    ['stopped by shutdown', run('cancelled', { error: 'stopped by shutdown' }), 'cancelled (stopped by shutdown)'],
    ['cancelled, no error', run('cancelled'), 'cancelled'],
    ['interrupted', run('interrupted', { error: 'the daemon stopped while it ran' }), 'interrupted (the daemon stopped while it ran)'],
    ['skipped', run('skipped', { error: 'still running (overlap: skip)' }), 'skipped: still running (overlap: skip)'],
    ['queued', run('queued'), 'queued'],
    ['running', run('running'), 'running'],
  ])('%s', (_name, facts, expected) => {
    expect(describeOutcome(facts)).toBe(expected);
  });

  test('reads as a sentence after the task name, as the CLI and daemon log print it', () => {
    expect(`fails ${describeOutcome(run('failed', { exitCode: 3 }))}`).toMatch(/fails exited with code 3/);
    expect(`slow #1 ${describeOutcome(run('cancelled', { error: 'stopped by shutdown; sent SIGTERM' }))}`).toMatch(/slow #1 cancelled/);
  });
});
