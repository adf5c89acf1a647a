// The bundled tasks.yaml and examples/tasks.yaml lint clean (config/lint/), whatever zone the
// system has: in UTC and in a zone with daylight saving time.
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { loadTasksFile } from '../../../src/config/load.js';
import { NOW } from './_lint.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test.each([
  ['tasks.yaml', 'UTC'],
  ['tasks.yaml', 'America/New_York'],
  ['examples/tasks.yaml', 'UTC'],
  ['examples/tasks.yaml', 'America/New_York'],
])('%s in %s: no lint warning', (file, zone) => {
  const loaded = loadTasksFile(`${ROOT}${file}`, { env: { TZ: zone, HOME: '/home/tester' }, lintNow: NOW });
  expect(loaded.tasks.length).toBeGreaterThan(0);
  expect(loaded.warnings.filter((issue) => issue.code !== 'host').map((issue) => issue.message)).toEqual([]);
});
