/**
 * Issue 13 "Done when", for the tasks of examples/tasks.yaml (test/cli/_next-property.ts says how):
 * what `taskkit next` lists over a simulated week crossing New York's spring-forward night is exactly
 * what the engine fires. tasks.yaml: next-property-tasks-yaml.test.ts, on another worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, test } from 'vitest';
import { expectNextEqualsFired, ROOT, scheduledTasks } from './_next-property.js';

const SOURCE = join(ROOT, 'examples/tasks.yaml');
const dir = mkdtempSync(join(tmpdir(), 'taskkit-next-property-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('taskkit next equals what the engine fires over a week: examples/tasks.yaml', () => {
  test.each(scheduledTasks(SOURCE).map((task) => [task.name, task] as const))(
    '%s',
    { timeout: 60_000 },
    async (_name, task) => {
      await expectNextEqualsFired(dir, SOURCE, task);
    },
  );
});
