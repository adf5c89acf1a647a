/**
 * Issue 18 point 6: bin/taskkit in a checkout that was never built says so in one line (exit 1),
 * not with Node's MODULE_NOT_FOUND stack; any other missing module keeps its real error.
 * The launcher (CommonJS, by bin/package.json) is copied into a temporary tree, as a fresh clone lays it out.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { TASKKIT_BIN } from '../support/cli-process.js';

const trees: string[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

/** A tree with bin/taskkit and, when given, dist/bin/taskkit.cjs. */
function checkout(entry?: string): string {
  const tree = mkdtempSync(join(tmpdir(), 'taskkit-launcher-'));
  trees.push(tree);
  mkdirSync(join(tree, 'bin'));
  copyFileSync(TASKKIT_BIN, join(tree, 'bin', 'taskkit'));
  copyFileSync(join(dirname(TASKKIT_BIN), 'package.json'), join(tree, 'bin', 'package.json'));
  if (entry !== undefined) {
    mkdirSync(join(tree, 'dist', 'bin'), { recursive: true });
    writeFileSync(join(tree, 'dist', 'bin', 'taskkit.cjs'), entry);
  }
  return tree;
}

function launch(tree: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(tree, 'bin', 'taskkit'), '--version'], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('an unbuilt checkout says to build, on stderr, exit 1', () => {
  expect(launch(checkout())).toEqual({
    status: 1,
    stdout: '',
    stderr: 'taskkit: not built yet: run "npm run build"\n',
  });
});

test('a module missing behind a built entry keeps its own error', () => {
  const result = launch(checkout("require('./chunk-gone.js');\n"));
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('MODULE_NOT_FOUND');
  expect(result.stderr).toContain('chunk-gone.js');
  expect(result.stderr).not.toContain('not built yet');
});

test('a built entry runs', () => {
  const entry = [
    'exports.createProcessIo = function createProcessIo() { return null; };',
    "exports.runCli = async function runCli(argv) { process.stdout.write(argv.join(' ') + '\\n'); return 5; };",
  ].join('\n');
  expect(launch(checkout(entry))).toEqual({ status: 5, stdout: '--version\n', stderr: '' });
});
