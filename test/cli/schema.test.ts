// `taskkit schema` (cli/schema.ts): prints the JSON Schema of the tasks file, which is committed
// as schema/taskkit.schema.json and named by the bundled tasks.yaml for yaml-language-server.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { buildTasksFileSchema } from '../../src/config/json-schema.js';
import { cliEnv, killAll, runTaskkit } from '../support/cli-process.js';
import { createMemoryIo } from '../support/memory-io.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMMITTED = `${ROOT}schema/taskkit.schema.json`;

afterEach(() => killAll());

describe('taskkit schema', () => {
  test('in-process: the schema as JSON indented by 2 spaces, one trailing newline, exit 0', async () => {
    const io = createMemoryIo();
    expect(await runCli(['schema'], io)).toBe(0);
    expect(io.stdoutText()).toBe(`${JSON.stringify(buildTasksFileSchema(), null, 2)}\n`);
    expect(io.stderrText()).toBe('');
  });

  test('as a subprocess (bin/taskkit): prints exactly the committed schema/taskkit.schema.json', async () => {
    const result = await runTaskkit(['schema'], { cwd: ROOT, env: cliEnv() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout, 'schema/taskkit.schema.json is stale: run `npm run schema`').toBe(
      readFileSync(COMMITTED, 'utf8'),
    );
  });

  test('the bundled tasks.yaml names the committed schema on its first line', () => {
    const [first] = readFileSync(`${ROOT}tasks.yaml`, 'utf8').split('\n');
    expect(first).toBe('# yaml-language-server: $schema=./schema/taskkit.schema.json');
    expect(JSON.parse(readFileSync(`${ROOT}schema/taskkit.schema.json`, 'utf8'))).toEqual(buildTasksFileSchema());
  });
});
