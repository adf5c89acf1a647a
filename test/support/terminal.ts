/**
 * Run bin/taskkit on a terminal: script(1) gives it a pseudo-terminal for stdout (colour, the
 * TTY-only notes), while its stderr goes to a file, so the two stay apart.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TASKKIT_BIN } from './cli-process.js';

/** `taskkit ARGS` (a shell word list) in `cwd`; stdout with the terminal's \r\n made \n. */
export function runOnTerminal(
  cwd: string,
  args: string,
  env: NodeJS.ProcessEnv,
): { code: number | null; stdout: string; stderr: string } {
  const errFile = join(cwd, `terminal-stderr-${process.pid}.txt`);
  const command = `${process.execPath} ${TASKKIT_BIN} ${args} 2>${errFile}`;
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 20_000,
    killSignal: 'SIGKILL',
  });
  return { code: result.status, stdout: result.stdout.replace(/\r\n/g, '\n'), stderr: readFileSync(errFile, 'utf8') };
}
