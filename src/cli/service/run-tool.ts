/**
 * One call of systemctl or launchctl, found on the caller's PATH, waited for, its output kept.
 * Synchronous: the verb has nothing else to do meanwhile, and `systemctl enable --now` returns
 * only when the start job ends (readiness, Type=notify), which may take a while.
 */
import { spawnSync } from 'node:child_process';
import { TaskkitError } from '../../errors.js';
import { printError, type CliIo } from '../io.js';

/** A start job waits for readiness (systemd's own TimeoutStartSec is 90 s). */
const TOOL_TIMEOUT_MS = 120_000;

export interface ToolResult {
  /** False when the tool is not on PATH. */
  readonly found: boolean;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runTool(io: CliIo, tool: string, args: readonly string[]): ToolResult {
  const result = spawnSync(tool, args, {
    env: io.env,
    encoding: 'utf8',
    timeout: TOOL_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const error: NodeJS.ErrnoException | undefined = result.error;
  if (error?.code === 'ENOENT') return { found: false, code: null, stdout: '', stderr: '' };
  // ETIMEDOUT (a start job that never ends), EACCES: the manager's fault or the host's, not taskkit's.
  if (error !== undefined)
    throw new TaskkitError('SERVICE_MANAGER', `${tool} ${args.join(' ')}: ${error.code ?? error.message}`, {
      cause: error,
    });
  return { found: true, code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Run a step that must succeed: its own messages (systemctl's "Created symlink ...") go to stderr. */
export function runStep(io: CliIo, tool: string, args: readonly string[]): void {
  const result = runTool(io, tool, args);
  const said = `${result.stdout}${result.stderr}`.trim();
  if (said !== '') printError(io, said);
  if (!result.found) throw new TaskkitError('SERVICE_MANAGER', `${tool} is not on PATH`);
  if (result.code !== 0)
    throw new TaskkitError(
      'SERVICE_MANAGER',
      `\`${tool} ${args.join(' ')}\` failed (exit ${result.code ?? 'by a signal'})`,
    );
}
