/**
 * Issue 13 "Done when", for the tasks of tasks.yaml (test/cli/_next-property.ts says how): what
 * `taskkit next` lists over a simulated week crossing New York's spring-forward night is exactly
 * what the engine fires. examples/tasks.yaml: next-property-examples.test.ts, on another worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { expectNextEqualsFired, ROOT, scheduledTasks } from './_next-property.js';

const SOURCE = join(ROOT, 'tasks.yaml');
const dir = mkdtempSync(join(tmpdir(), 'taskkit-next-property-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('taskkit next equals what the engine fires over a week: tasks.yaml', () => {
  test('tasks.yaml and examples/tasks.yaml cover every periodic schedule kind', () => {
    const kinds = [SOURCE, join(ROOT, 'examples/tasks.yaml')].flatMap((source) =>
      scheduledTasks(source).map((task) => task.schedule.kind),
    );
    expect(new Set(kinds)).toEqual(new Set(['every', 'daily', 'cron']));
  });

  test.each(scheduledTasks(SOURCE).map((task) => [task.name, task] as const))(
    '%s',
    { timeout: 60_000 },
    async (_name, task) => {
      await expectNextEqualsFired(dir, SOURCE, task);
    },
  );
});
