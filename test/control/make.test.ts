// The `make` method (`run-now NAME --make`, issue 17.4) over a real socket on the fake engine: the
// order, the first step, the whole chain streamed (each step's started and output), its end, and
// the requests it refuses.
import { afterEach, expect, test } from 'vitest';
import { ControlError, decodeOutputEvent } from '../../src/control/protocol.js';
import { closeAll, startControl } from '../support/control-fixture.js';
import { makeTask } from '../support/engine-task.js';
import { flush } from '../support/fake-runner.js';
import { waitUntil } from '../support/process-state.js';

afterEach(closeAll);

const TASKS = [
  makeTask('extract'),
  makeTask('transform', { afterAll: ['extract'] }),
  makeTask('load', { afterAll: ['extract', 'transform'] }),
  makeTask('lone'),
];

test('dry run: the order, nothing run; without wait: the first step as triggered; alone: said', async () => {
  const fixture = await startControl(TASKS);
  const client = await fixture.connect();
  expect(await client.request('make', { name: 'load', dryRun: true })).toEqual({
    order: ['extract', 'transform', 'load'],
    alone: false,
    dryRun: true,
    runs: [],
    failed: null,
    error: null,
  });
  expect(fixture.runner.requests).toEqual([]);
  const started = await client.request('make', { name: 'load' });
  expect(started.runs.map((run) => [run.task, run.status, run.trigger])).toEqual([['extract', 'running', 'manual']]);
  expect((await client.request('make', { name: 'lone', dryRun: true })).alone).toBe(true);
});

test('wait: every step streams (started, output) and the reply has each step; a failure skips the rest', async () => {
  const fixture = await startControl(TASKS);
  const { runner } = fixture;
  const client = await fixture.connect();
  const events: string[] = [];
  const reply = client.stream('make', { name: 'load', wait: true }, (event) => {
    if (event.event === 'started') events.push(`started ${event.data.run.task}`);
    else if (event.event === 'output') events.push(`output ${decodeOutputEvent(event.data).toString()}`);
    return undefined;
  });
  await waitUntil(() => runner.requests.length === 1, 5_000, 'the first step');
  runner.emitOutput(1, 'e1');
  runner.finish(1);
  await flush();
  await waitUntil(() => runner.requests.length === 2, 5_000, 'the second step');
  runner.emitOutput(2, 't1');
  runner.finish(2, { status: 'failed', exitCode: 4 });
  const result = await reply;
  expect(events).toEqual(['started extract', 'output e1', 'started transform', 'output t1']);
  expect(result.runs.map((run) => [run.task, run.status, run.skipReason])).toEqual([
    ['extract', 'succeeded', null],
    ['transform', 'failed', null],
    ['load', 'skipped', 'prerequisite-failed'],
  ]);
  expect(result.failed).toMatchObject({ task: 'transform', exitCode: 4 });
  // The failed step comes with its output fields (what --json and the CLI's last line use).
  expect(typeof result.failed?.outputBase64).toBe('string');
});

test('refused: an unknown task (did you mean), wait with dryRun', async () => {
  const fixture = await startControl(TASKS);
  const client = await fixture.connect();
  const unknown = await client.request('make', { name: 'lod' }).catch((error: unknown) => error);
  expect(unknown).toBeInstanceOf(ControlError);
  expect((unknown as ControlError).message).toContain('did you mean "load"');
  const both = await client
    .request('make', { name: 'load', wait: true, dryRun: true })
    .catch((error: unknown) => error);
  expect((both as ControlError).code).toBe('BAD_REQUEST');
  expect(fixture.runner.requests).toEqual([]);
});
