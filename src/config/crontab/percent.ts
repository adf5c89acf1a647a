/**
 * Cron's `%` rule, exactly as cronie's child_process() (src/do_command.c) applies it:
 *
 * - In the command, `\%` becomes `%` and every other backslash stays; the first `%` that is not
 *   escaped ends the command.
 * - Whatever follows is written to the command's standard input, each further `%` becoming a
 *   newline, `\%` a literal `%`, and any other backslash kept. A newline is added when the last
 *   character written was not one. Nothing after the `%` means no input at all.
 *
 * taskkit has no stdin text for a task, so the input is fed by the shell:
 * `printf '%s\n' 'line 1' 'line 2' | ( command )`, which produces the same bytes.
 */

export interface CronCommand {
  /** The command line cron hands to `$SHELL -c`. */
  readonly command: string;
  /** The bytes cron writes to its standard input, or null for none. */
  readonly stdin: string | null;
}

/** Split a crontab command at its first unescaped `%` and compute cron's stdin text. */
export function splitCronCommand(raw: string): CronCommand {
  let command = '';
  let escaped = false;
  let index = 0;
  for (; index < raw.length; index++) {
    const ch = raw[index] as string;
    if (escaped) {
      // `\%` -> `%`: the backslash already copied is replaced.
      command = ch === '%' ? `${command.slice(0, -1)}%` : command + ch;
      escaped = false;
      continue;
    }
    if (ch === '%') break;
    command += ch;
    escaped = ch === '\\';
  }
  if (index >= raw.length - 1) return { command, stdin: null };
  return { command, stdin: translateInput(raw.slice(index + 1)) };
}

/** cronie's second loop: `%` -> newline, `\%` -> `%`, other backslashes kept, final newline added. */
function translateInput(data: string): string {
  let out = '';
  let escaped = false;
  let needNewline = false;
  for (let ch of data) {
    if (escaped) {
      if (ch !== '%') out += '\\';
    } else if (ch === '%') {
      ch = '\n';
    }
    escaped = ch === '\\';
    if (!escaped) {
      out += ch;
      needNewline = ch !== '\n';
    }
  }
  if (escaped) out += '\\';
  if (needNewline) out += '\n';
  return out;
}

/** Why `command` cannot be wrapped exactly, or undefined when it can. */
export function checkWrappable(command: string, shell: string): string | undefined {
  if (command.trim() === '') return 'the command before "%" is empty: cron runs nothing';
  const base = shell.slice(shell.lastIndexOf('/') + 1);
  if (!POSIX_SHELLS.has(base)) return `"%" input needs a POSIX shell to feed it; SHELL is ${shell}`;
  // A trailing backslash would escape the line break that closes the subshell.
  if (/(^|[^\\])(\\\\)*\\$/.test(command)) return 'the command before "%" ends with a backslash';
  return undefined;
}

const POSIX_SHELLS = new Set([
  'sh',
  'bash',
  'dash',
  'ash',
  'ksh',
  'ksh93',
  'mksh',
  'pdksh',
  'lksh',
  'zsh',
  'yash',
  'posh',
  'busybox',
]);

/**
 * A shell command that runs `command` with exactly `stdin` on its standard input. The subshell
 * keeps the command's own `;`, `&&` and redirections inside the pipe; it is closed on a line of
 * its own when the command may hold a `#` comment, which would otherwise swallow the `)`.
 */
export function wrapWithStdin(command: string, stdin: string): string {
  const feed = stdin.endsWith('\n')
    ? `printf '%s\\n' ${stdin.slice(0, -1).split('\n').map(quoteForShell).join(' ')}`
    : `printf '%s' ${quoteForShell(stdin)}`;
  return command.includes('#') ? `${feed} | (\n${command}\n)` : `${feed} | ( ${command} )`;
}

/** Single-quote for a POSIX shell: nothing inside is special except the quote itself. */
export function quoteForShell(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
