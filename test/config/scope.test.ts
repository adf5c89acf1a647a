// A task's `scope:` (config/scope.ts): absent unless `host` (so the definitions of existing tasks keep
// their fingerprint, and `scope: cluster`, the default, changes nothing); `@reboot` tasks are host-scoped.
import { describe, expect, test } from 'vitest';
import { definitionFingerprint } from '../../src/config/definition.js';
import { taskScope } from '../../src/config/scope.js';
import { fileOf, issuesOf, summarize } from '../support/config-issues.js';

const taskOf = (keys: string) => {
  const [task] = fileOf(['tasks:', `  a: { ${keys} }`]).tasks;
  if (task === undefined) throw new Error('no task');
  return task;
};

describe('scope', () => {
  test('absent when not given, and when cluster: the same fingerprint', () => {
    const plain = taskOf('every: 1m, run: x');
    const cluster = taskOf('every: 1m, run: x, scope: cluster');
    expect('scope' in plain).toBe(false);
    expect('scope' in cluster).toBe(false);
    expect(definitionFingerprint(cluster)).toBe(definitionFingerprint(plain));
  });

  test('host is kept, and is a change of definition', () => {
    const host = taskOf('every: 1m, run: x, scope: host');
    expect(host.scope).toBe('host');
    expect(definitionFingerprint(host)).not.toBe(definitionFingerprint(taskOf('every: 1m, run: x')));
  });

  test('taskScope: cluster by default, host when said, host for every @reboot task', () => {
    expect(taskScope(taskOf('every: 1m, run: x'))).toBe('cluster');
    expect(taskScope(taskOf('run: x'))).toBe('cluster');
    expect(taskScope(taskOf('every: 1m, run: x, scope: host'))).toBe('host');
    expect(taskScope(taskOf('cron: "@reboot", run: x'))).toBe('host');
    expect(taskScope(taskOf('cron: "@reboot", run: x, scope: cluster'))).toBe('host');
  });

  test('another value: an error with did-you-mean', () => {
    expect(summarize(issuesOf(['tasks:', '  a:', '    run: x', '    scope: hots']))).toEqual([
      ['invalid-value', 4, 12, 'a', 'expected one of "cluster" or "host", got "hots" (did you mean "host")'],
    ]);
  });
});
