/**
 * `taskkit edit` (issue 18.3) through bin/taskkit with scripted editors (sh scripts set as EDITOR
 * or VISUAL): a valid edit replaces the file atomically keeping its mode (and a symlink); an
 * invalid one shows its errors against the real file and asks to retry, answered on standard input
 * (`n`: file untouched, exit 1; `y`: the editor opens the same edit again); no change; a failing
 * editor; a new file from the template; a running daemon is reloaded. No private copy is left.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { TaskView } from '../../src/control/views.js';
import { cliEnv, collect, TASKKIT_BIN, type CliResult } from '../support/cli-process.js';
import { cleanUpDaemons, daemonTasks, makeDaemonDir, startDetached, type DaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const VALID = ['settings:', '  state-dir: ./state', 'tasks:', '  a: { run: "true" }', ''].join('\n');

interface Editing {
  readonly d: DaemonDir;
  readonly tasks: string;
  readonly tmp: string;
  /** A sh script as an editor: `body` edits "$1"; every call appends the file it got to calls.txt. */
  editor(name: string, body: string): string;
  /** The files the editors were given, in call order. */
  calls(): string[];
  /** `taskkit edit ARGS` with `env`, `input` on standard input (then closed). */
  edit(env: Record<string, string>, input?: string, args?: readonly string[]): Promise<CliResult>;
}

function editing(text = VALID): Editing {
  const d = makeDaemonDir();
  const tasks = join(d.dir, 'tasks.yaml');
  writeFileSync(tasks, text);
  const tmp = join(d.dir, 'tmp');
  mkdirSync(tmp);
  const callsFile = join(d.dir, 'calls.txt');
  return {
    d,
    tasks,
    tmp,
    editor(name, body) {
      const path = join(d.dir, name);
      writeFileSync(path, `#!/bin/sh\necho "$1" >> "${callsFile}"\n${body}\n`, { mode: 0o755 });
      return path;
    },
    calls: () => (existsSync(callsFile) ? readFileSync(callsFile, 'utf8').trim().split('\n') : []),
    async edit(env, input = '', args = []) {
      const child = spawn(process.execPath, [TASKKIT_BIN, 'edit', ...args], {
        cwd: d.dir,
        env: cliEnv({ TMPDIR: tmp, ...env }),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdin.end(input);
      return await collect(child, 20_000);
    },
  };
}

const APPEND_B = `echo '  b: { run: "true", every: 5m }' >> "$1"`;
const APPEND_BAD = `echo '  b: { run: "true", every: 5x }' >> "$1"`;

describe('taskkit edit', () => {
  test('a valid edit replaces the file atomically, keeping its mode 0640; no copy is left', async () => {
    const e = editing();
    chmodSync(e.tasks, 0o640);
    const before = statSync(e.tasks);
    const result = await e.edit({ EDITOR: e.editor('ed.sh', APPEND_B) });
    expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      `installed ${e.tasks} (2 tasks)\n` +
        `no daemon answers on ${join(e.d.stateDir, 'taskkit.sock')}: ` +
        'the tasks take effect at the next "taskkit start"\n',
    );
    expect(readFileSync(e.tasks, 'utf8')).toBe(`${VALID}  b: { run: "true", every: 5m }\n`);
    const after = statSync(e.tasks);
    expect(after.mode & 0o777).toBe(0o640);
    expect([after.uid, after.gid]).toEqual([before.uid, before.gid]);
    // Renamed into place: a new inode, not the old file written over.
    expect(after.ino).not.toBe(before.ino);
    // The editor got a copy with the file's own name in a private folder, gone now.
    const [copy] = e.calls();
    expect(copy).toMatch(new RegExp(`^${e.tmp}/taskkit-edit-[^/]+/tasks\\.yaml$`));
    expect(readdirSync(e.tmp)).toEqual([]);
    expect(readdirSync(e.d.dir).filter((name) => name.includes('taskkit-edit'))).toEqual([]);
  });

  test.runIf(process.getuid?.() === 0)('as root, a file of another user keeps its owner and group', async () => {
    const e = editing();
    chownSync(e.tasks, 65534, 65534);
    const result = await e.edit({ EDITOR: e.editor('ed.sh', APPEND_B) });
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect([statSync(e.tasks).uid, statSync(e.tasks).gid]).toEqual([65534, 65534]);
  });

  test('an invalid edit answered "n": errors name the real file, the file is untouched, exit 1', async () => {
    const e = editing();
    const before = statSync(e.tasks);
    const result = await e.edit({ EDITOR: e.editor('ed.sh', APPEND_BAD) }, 'n\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${e.tasks}:5:28: task "b": expected a duration like`);
    expect(result.stderr).toContain('Do you want to retry the same edit? (y/n) \n');
    expect(result.stderr).toContain(`taskkit: edit abandoned; ${e.tasks} is unchanged`);
    expect(readFileSync(e.tasks, 'utf8')).toBe(VALID);
    expect(statSync(e.tasks).ino).toBe(before.ino);
    expect(e.calls()).toHaveLength(1);
    expect(readdirSync(e.tmp)).toEqual([]);
  });

  test("end of input is no; a relative path is checked against the real file's folder", async () => {
    const e = editing();
    const result = await e.edit({ EDITOR: e.editor('ed.sh', `echo '  m: { module: ./missing.mjs }' >> "$1"`) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(join(e.d.dir, 'missing.mjs'));
    expect(readFileSync(e.tasks, 'utf8')).toBe(VALID);
  });

  test('"y" opens the same edit again; the second call fixes it and it is installed', async () => {
    const e = editing();
    const fixOnSecondCall = [
      `if [ "$(wc -l < "${join(e.d.dir, 'calls.txt')}")" -eq 1 ]; then ${APPEND_BAD}`,
      'else sed -i "s/5x/5m/" "$1"; fi',
    ].join('\n');
    // Both answers at once: only the first line may be taken by the first question.
    const result = await e.edit({ EDITOR: e.editor('ed.sh', fixOnSecondCall) }, 'maybe\ny\nn\n');
    expect(result.stderr).toContain('Please answer y or n.');
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/^installed .* \(2 tasks\)\n/);
    const calls = e.calls();
    expect(calls).toHaveLength(2);
    expect(calls[1]).toBe(calls[0]);
    expect(readFileSync(e.tasks, 'utf8')).toBe(`${VALID}  b: { run: "true", every: 5m }\n`);
  });

  test('VISUAL wins over EDITOR; an unchanged file says so and exits 0', async () => {
    const e = editing();
    const visual = e.editor('visual.sh', 'true');
    const editor = e.editor('editor.sh', APPEND_B);
    const result = await e.edit({ VISUAL: visual, EDITOR: editor });
    expect(result).toMatchObject({ code: 0, stdout: 'no changes made to the tasks file\n', stderr: '' });
    expect(e.calls()).toHaveLength(1);
    expect(readFileSync(e.tasks, 'utf8')).toBe(VALID);
    // EDITOR alone, with its own arguments: run through the shell, the file last.
    const lastArgument = `for file; do :; done; echo '  c: { run: "true" }' >> "$file"; echo "# $1 $#" >> "$file"`;
    const withArgs = await e.edit({ EDITOR: `${e.editor('args.sh', lastArgument)} --wait` });
    expect(withArgs.code, withArgs.stderr).toBe(0);
    expect(readFileSync(e.tasks, 'utf8')).toMatch(/ c: \{ run: "true" \}\n# --wait 2\n$/);
  });

  test('a valid edit with lint warnings is installed and shows them as validate does', async () => {
    const e = editing();
    const result = await e.edit({
      EDITOR: e.editor('ed.sh', `echo '  old: { at: "2001-01-01T00:00", run: "true" }' >> "$1"`),
    });
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(result.stderr).toMatch(new RegExp(`^${e.tasks}:5:\\d+: warning: task "old": `));
  });

  test('an editor that fails leaves the file untouched, exit 1', async () => {
    const e = editing();
    const result = await e.edit({ EDITOR: e.editor('ed.sh', `${APPEND_B}\nexit 3`) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^taskkit: editor "\S+ed\.sh" exited with status 3; \S+ is unchanged\n$/);
    expect(readFileSync(e.tasks, 'utf8')).toBe(VALID);
  });

  test('a symlinked tasks file: the link stays, its target is replaced', async () => {
    const e = editing();
    mkdirSync(join(e.d.dir, 'real'));
    const target = join(e.d.dir, 'real', 'tasks.yaml');
    writeFileSync(target, VALID.replace('./state', '../state'));
    const link = join(e.d.dir, 'link.yaml');
    symlinkSync('real/tasks.yaml', link);
    const result = await e.edit({ EDITOR: e.editor('ed.sh', APPEND_B) }, '', ['--config', link]);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toMatch(/ b: \{ run: "true", every: 5m \}\n$/);
  });

  test('a tasks file not there yet starts from the example; saved unchanged, nothing is created', async () => {
    const e = editing();
    const fresh = join(e.d.dir, 'new', 'tasks.yaml');
    const untouched = await e.edit({ EDITOR: e.editor('keep.sh', 'true') }, '', ['--config', fresh]);
    expect(untouched).toMatchObject({ code: 0, stdout: 'no changes made to the tasks file\n' });
    expect(untouched.stderr).toBe(`taskkit: no tasks file at ${fresh} yet: starting from an example\n`);
    expect(existsSync(fresh)).toBe(false);
    const result = await e.edit({ EDITOR: e.editor('ed.sh', APPEND_B) }, '', ['--config', fresh]);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/^installed \S+ \(2 tasks\)\n/);
    const validated = await e.d.taskkit(['validate', fresh]);
    expect(validated.code).toBe(0);
  });

  test('a running daemon of the file is reloaded', { timeout: 60_000 }, async () => {
    const e = editing();
    writeFileSync(e.tasks, `${daemonTasks(['  a: { run: "true" }']).join('\n')}\n`);
    await startDetached(e.d);
    const result = await e.edit({ EDITOR: e.editor('ed.sh', APPEND_B) });
    expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^installed \S+ \(2 tasks\)\nreloaded: .*\b1 added\b/);
    const listed = JSON.parse((await e.d.taskkit(['list', '--json'])).stdout) as TaskView[];
    expect(listed.map((task) => task.name)).toEqual(['a', 'b']);
  });
});
