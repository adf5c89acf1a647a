/**
 * Which editor `taskkit edit` opens and how: `$VISUAL`, else `$EDITOR`, else `vi`, as crontab(1)
 * chooses. The value may carry arguments (`code --wait`, `emacs -nw`), so it runs through the
 * shell as git runs its editor: `sh -c '<editor> "$@"' <editor> FILE`, the file passed as an
 * argument, never pasted into the command. The editor inherits the terminal.
 */
import { spawn } from 'node:child_process';

type Env = Readonly<Record<string, string | undefined>>;

/** The editor command line: VISUAL, else EDITOR (either only when not blank), else vi. */
export function chooseEditor(env: Env): string {
  for (const name of ['VISUAL', 'EDITOR']) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') return value;
  }
  return 'vi';
}

/**
 * How the editor ended: null when it exited 0, else why it counts as failed, in words. While it
 * runs, `proc` ignores Ctrl-C and Ctrl-\ as crontab does: they are the editor's keys (the terminal
 * sends them to both), and taskkit must outlive them to clean up its copy.
 */
export function openEditor(editor: string, file: string, env: Env, proc?: NodeJS.Process): Promise<string | null> {
  const ignore = (): void => {};
  const signals = ['SIGINT', 'SIGQUIT'] as const;
  for (const signal of signals) proc?.on(signal, ignore);
  return new Promise<string | null>((resolve) => {
    const child = spawn('/bin/sh', ['-c', `${editor} "$@"`, editor, file], { stdio: 'inherit', env });
    child.on('error', (error) => resolve(`cannot start /bin/sh for editor "${editor}": ${error.message}`));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(null);
      else if (signal !== null) resolve(`editor "${editor}" was killed by ${signal}`);
      else resolve(`editor "${editor}" exited with status ${code ?? '?'}`);
    });
  }).finally(() => {
    for (const signal of signals) proc?.off(signal, ignore);
  });
}
