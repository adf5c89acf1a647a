/** `show`'s wording of a definition: the action as a command line, the options that matter. */
import { describe, expect, test } from 'vitest';
import { describeAction, describeOptions, describeSuccessRate } from '../../../src/cli/format/task-detail.js';
import { toDefinitionView } from '../../../src/control/views.js';
import { makeTask } from '../../support/task-spec.js';

describe('describeAction', () => {
  test.each([
    [{ kind: 'shell' as const, script: 'echo "hi" > out', shell: '/bin/bash' }, '/bin/bash -c "echo \\"hi\\" > out"'],
    [
      { kind: 'argv' as const, argv: ['tar', 'czf', '/b/x.tgz', 'my files', '--opt=1'] },
      'tar czf /b/x.tgz "my files" --opt=1',
    ],
    [
      { kind: 'module' as const, path: '/srv/report.js', exportName: 'run', args: null },
      'module /srv/report.js (export run)',
    ],
    [{ kind: 'function' as const }, 'a function (library API)'],
  ])('%j', (action, expected) => {
    expect(describeAction(action)).toBe(expected);
  });
});

describe('describeOptions', () => {
  test('the defaults: only what is always worth knowing', () => {
    expect(describeOptions(toDefinitionView(makeTask('a')))).toBe(
      'kill-after 10s; overlap skip; catch-up skip; history keep 200, output-limit 256KiB',
    );
  });

  test('everything set', () => {
    const spec = makeTask('a', {
      timeoutMs: 90_000,
      overlap: 'queue',
      retry: { attempts: 3, delayMs: 30_000, backoff: 2, maxDelayMs: 600_000 },
      jitterMs: 5_000,
      catchUp: 'once',
      deadlineMs: 3_600_000,
      maxRuns: 5,
      until: Date.parse('2027-01-01T00:00:00Z'),
      after: ['b'],
      onSuccess: ['c'],
      onFailure: ['d', 'e'],
    });
    expect(describeOptions(toDefinitionView(spec))).toBe(
      'timeout 1m30s; kill-after 10s; overlap queue; retry 3 (delay 30s, backoff 2, max-delay 10m); jitter 5s; ' +
        'catch-up once; deadline 1h; ' +
        'max-runs 5; until 2027-01-01T00:00:00.000Z; after b; on-success c; on-failure d, e; history keep 200, ' +
        'output-limit 256KiB',
    );
  });
});

describe('describeSuccessRate (show, issue 4)', () => {
  test.each([
    [{ succeeded: 19, failed: 1, successRate: 0.95 }, '95% (19 of 20 kept runs succeeded)'],
    [{ succeeded: 2, failed: 1, successRate: 2 / 3 }, '66.7% (2 of 3 kept runs succeeded)'],
    [{ succeeded: 0, failed: 1, successRate: 0 }, '0% (0 of 1 kept run succeeded)'],
    [{ succeeded: 0, failed: 0, successRate: null }, 'no finished runs yet'],
  ])('%j', (stats, expected) => {
    expect(describeSuccessRate(stats)).toBe(expected);
  });
});
