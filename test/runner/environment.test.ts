import { describe, expect, test } from 'vitest';
import {
  buildRunEnvironment,
  describeRunVariables,
  mergeEnvironment,
  runEnvironmentOverlay,
  snapshotEnvironment,
} from '../../src/runner/environment.js';
import { argvAction, createProcessRequest } from './_process-run.js';

const baseRequest = createProcessRequest({
  action: argvAction('true'),
  env: { FROM_TASK: 'task', SHARED: 'task wins' },
});

describe('describeRunVariables', () => {
  test('a scheduled run gets its instant as ISO-8601 UTC', () => {
    const request = {
      ...baseRequest,
      runId: 42,
      trigger: 'retry' as const,
      attempt: 2,
      scheduledAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    };
    expect(describeRunVariables(request)).toEqual({
      TASKKIT_TASK: 'proc-task',
      TASKKIT_RUN_ID: '42',
      TASKKIT_SCHEDULED_AT: '2026-01-02T03:04:05.000Z',
      TASKKIT_TRIGGER: 'retry',
      TASKKIT_ATTEMPT: '2',
      TASKKIT_UPSTREAM_TASK: '',
      TASKKIT_UPSTREAM_RUN_ID: '',
      TASKKIT_UPSTREAM_STATUS: '',
      TASKKIT_UPSTREAM_EXIT_CODE: '',
    });
  });

  test('a run without a scheduled instant gets an empty TASKKIT_SCHEDULED_AT', () => {
    expect(describeRunVariables(baseRequest).TASKKIT_SCHEDULED_AT).toBe('');
  });

  test('a dependency run gets its upstream run; an exit code is empty when a signal ended it', () => {
    const upstream = { task: 'backup', runId: 12, status: 'failed' as const, exitCode: 3 };
    expect(describeRunVariables({ ...baseRequest, trigger: 'dependency', upstream })).toMatchObject({
      TASKKIT_UPSTREAM_TASK: 'backup',
      TASKKIT_UPSTREAM_RUN_ID: '12',
      TASKKIT_UPSTREAM_STATUS: 'failed',
      TASKKIT_UPSTREAM_EXIT_CODE: '3',
    });
    const killed = { ...upstream, status: 'timed-out' as const, exitCode: null };
    expect(describeRunVariables({ ...baseRequest, upstream: killed }).TASKKIT_UPSTREAM_EXIT_CODE).toBe('');
  });
});

describe('buildRunEnvironment', () => {
  test('base, then task env, then TASKKIT_* (later wins); undefined base values are left out', () => {
    const request = {
      ...baseRequest,
      task: { ...baseRequest.task, env: { FROM_TASK: 'task', SHARED: 'task wins', TASKKIT_TASK: 'spoofed' } },
    };
    const env = buildRunEnvironment(request, { PATH: '/bin', SHARED: 'base', GONE: undefined });
    expect(env).toEqual({
      PATH: '/bin',
      SHARED: 'task wins',
      FROM_TASK: 'task',
      TASKKIT_TASK: 'proc-task',
      TASKKIT_RUN_ID: '7',
      TASKKIT_SCHEDULED_AT: '',
      TASKKIT_TRIGGER: 'manual',
      TASKKIT_ATTEMPT: '1',
      TASKKIT_UPSTREAM_TASK: '',
      TASKKIT_UPSTREAM_RUN_ID: '',
      TASKKIT_UPSTREAM_STATUS: '',
      TASKKIT_UPSTREAM_EXIT_CODE: '',
    });
  });

  test('keys in order: base, the task env, TASKKIT_*; a task variable named __proto__ is a variable', () => {
    const task = {
      ...baseRequest.task,
      env: JSON.parse('{"B": "task", "__proto__": "p", "C": "c"}') as Record<string, string>,
    };
    const env = buildRunEnvironment({ ...baseRequest, task }, { A: 'a', B: 'base' });
    expect(Object.keys(env).slice(0, 4)).toEqual(['A', 'B', '__proto__', 'C']);
    expect(Object.keys(env).slice(4, 6)).toEqual(['TASKKIT_TASK', 'TASKKIT_RUN_ID']);
    expect(env['B']).toBe('task');
    expect(Object.getOwnPropertyDescriptor(env, '__proto__')?.value).toBe('p');
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
  });

  test('defaults to process.env as the base', () => {
    expect(buildRunEnvironment(baseRequest).PATH).toBe(process.env['PATH']);
  });
});

describe("the spawner's environment: the base sent once, a run's overlay per request", () => {
  test('mergeEnvironment(base, overlay), through JSON as on the IPC channel, equals buildRunEnvironment', () => {
    const task = {
      ...baseRequest.task,
      env: JSON.parse('{"B": "task", "__proto__": "p", "TASKKIT_TASK": "spoofed", "C": "c"}') as Record<string, string>,
    };
    const request = {
      ...baseRequest,
      task,
      upstream: { task: 'up', runId: 3, status: 'succeeded' as const, exitCode: 0 },
    };
    const base = { A: 'a', B: 'base', TASKKIT_RUN_ID: 'old', GONE: undefined };
    const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
    const merged = mergeEnvironment(wire(snapshotEnvironment(base)), wire(runEnvironmentOverlay(request)));
    const built = buildRunEnvironment(request, base);
    expect(Object.entries(merged)).toEqual(Object.entries(built));
    expect(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value).toBe('p');
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });
});
