/**
 * Shared by the completion tests: a temp dir with `taskkit` on PATH (a symlink to bin/taskkit,
 * which runs the built dist/), the scripts as `taskkit completion SHELL` prints them, and real
 * shells driven as subprocesses the way each one completes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TASKKIT_BIN } from '../../support/cli-process.js';

const run = promisify(execFile);

export interface ShellResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CompletionDir {
  readonly dir: string;
  /** PATH with the `taskkit` symlink first. */
  readonly env: NodeJS.ProcessEnv;
  /** Write a file in the dir (lines joined with newlines); returns its path. */
  write(name: string, lines: readonly string[]): string;
  remove(): void;
}

const DIST_ENTRY = fileURLToPath(new URL('../../../dist/cli/completion/print.js', import.meta.url));

/** A fresh dir; HOME points into it so that no tasks file of the machine's user is found. */
export function makeCompletionDir(): CompletionDir {
  if (!existsSync(DIST_ENTRY))
    throw new Error('dist/ lacks the completion modules: build first (npx tsc -p tsconfig.build.json)');
  const dir = mkdtempSync(join(tmpdir(), 'tk-compl-'));
  mkdirSync(join(dir, 'bin'));
  symlinkSync(TASKKIT_BIN, join(dir, 'bin', 'taskkit'));
  const env: NodeJS.ProcessEnv = {
    PATH: `${join(dir, 'bin')}${delimiter}${process.env['PATH'] ?? ''}`,
    HOME: join(dir, 'home'),
    NO_COLOR: '1',
    TZ: 'UTC',
  };
  return {
    dir,
    env,
    write(name, lines) {
      const path = join(dir, name);
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Run a program to completion (bounded); a non-zero exit is a result, not a throw. */
export async function runProgram(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<ShellResult> {
  try {
    const { stdout, stderr } = await run(file, [...args], { cwd: options.cwd, env: options.env, timeout: 15_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** `taskkit completion SHELL` through the symlink, saved in the dir; returns the script's path. */
export async function saveScript(where: CompletionDir, shell: string): Promise<string> {
  const printed = await runProgram('taskkit', ['completion', shell], { cwd: where.dir, env: where.env });
  if (printed.code !== 0 || printed.stderr !== '')
    throw new Error(`taskkit completion ${shell} failed (${printed.code}): ${printed.stderr}`);
  return where.write(`completion.${shell}`, [printed.stdout]);
}

/** The first existing path of `candidates`, else null. */
export function findFirst(candidates: readonly string[]): string | null {
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** A program on PATH (zsh, fish), else null: those shells are optional on the test machine. */
export function findOnPath(name: string): string | null {
  return findFirst(
    (process.env['PATH'] ?? '')
      .split(delimiter)
      .filter((part) => part !== '')
      .map((part) => join(part, name)),
  );
}

/**
 * COMP_WORDS as bash builds them for `line` with the cursor at its end: split at blanks, and
 * "=" (in the default COMP_WORDBREAKS) is a word of its own: `--config=F` -> `--config`, `=`, `F`.
 */
export function splitLikeBash(line: string): string[] {
  return line.split(' ').flatMap((token) => {
    if (!token.includes('=')) return [token];
    const [head = '', ...rest] = token.split('=');
    return [head, ...rest.flatMap((part) => (part === '' ? ['='] : ['=', part]))].filter(
      (word, index) => word !== '' || index === 0,
    );
  });
}

// Sources the script (after bash-completion when given), sets what bash sets before calling a
// `complete -F` function, calls it, and prints COMPREPLY one per line.
const BASH_DRIVER = `
[ -n "$1" ] && source "$1"
source "$2"
COMP_LINE=$3
shift 3
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_POINT=\${#COMP_LINE}
_taskkit
for word in "\${COMPREPLY[@]}"; do printf '%s\\n' "$word"; done
`;

/** What bash offers for `line` (cursor at the end), in COMPREPLY order. */
export async function completeInBash(
  where: CompletionDir,
  script: string,
  line: string,
  options: { bashCompletion?: string | null; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string[]> {
  const args = [
    '--norc',
    '--noprofile',
    '-c',
    BASH_DRIVER,
    'bash',
    options.bashCompletion ?? '',
    script,
    line,
    ...splitLikeBash(line),
  ];
  const result = await runProgram('bash', args, {
    cwd: options.cwd ?? where.dir,
    env: { ...where.env, ...options.env },
  });
  if (result.code !== 0 || result.stderr !== '')
    throw new Error(`bash completion failed (${result.code}): ${result.stderr}`);
  return result.stdout.split('\n').filter((word) => word !== '');
}
