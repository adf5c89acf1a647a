/**
 * Daemon life: `start [-f]`, `stop`, `status`, `reload [--dry-run]`. Heavy modules (the engine, the runner,
 * yaml) are imported inside the actions that need them, so `status` starts as fast as `list`.
 */
import type { Command } from 'commander';
import { TaskkitError } from '../../errors.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { withDaemon } from '../connect.js';
import { loadPainter, printError, printJson, printLine, printLines, readNow, type CliIo } from '../io.js';

/** How often `stop` checks whether the daemon's pid is gone. */
const STOP_POLL_MS = 50;
/** After this long `stop` says what it is waiting for (running runs finishing their grace). */
const STOP_NOTICE_MS = 1_000;

interface StatusOptions {
  readonly check?: boolean;
  readonly ignore?: string[];
  readonly heldOk?: boolean;
}

/** `--ignore a --ignore b`: every name given. */
function collectNames(name: string, names: string[] | undefined): string[] {
  return [...(names ?? []), name];
}

export function registerDaemonCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('start')
    .description(
      'start the daemon: detached (returns once it accepts on its socket), or -f/--foreground in this terminal',
    )
    .option('-f, --foreground', 'stay attached: log to stderr, stop on Ctrl-C or SIGTERM')
    .option('--insecure', 'run a tasks file (or module file) that other users can write; for containers')
    .action(async (options: { foreground?: boolean; insecure?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const insecure = options.insecure === true;
      if (options.foreground === true) context.exitCode = await startForeground(io, globals, insecure);
      else await startInBackground(io, globals, insecure);
    });

  program
    .command('stop')
    .description('stop the daemon gracefully and wait until its process is gone')
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const pid = await withDaemon(io, globals, async (client) => {
        await client.request('stop', {});
        return client.hello.pid;
      });
      await waitForExit(io, pid);
      if (globals.json === true) printJson(io, { pid, stopped: true });
      else printLine(io, `taskkit stopped (pid ${pid})`);
    });

  program
    .command('status')
    .description('the daemon: pid, uptime, tasks file, task counts by state, runs in progress, next instant')
    .option('--check', 'a monitoring plugin line (Nagios/Icinga): exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN')
    .option('--ignore <name>', 'with --check: leave this task out (repeatable)', collectNames)
    .option('--held-ok', 'with --check: held tasks are OK, not a WARNING')
    .action(async (options: StatusOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (options.check === true) {
        const { runHealthCheck } = await import('../health-check.js');
        return runHealthCheck(context, options, globals);
      }
      if (options.ignore !== undefined || options.heldOk === true)
        throw new TaskkitError('USAGE', 'status: --ignore and --held-ok go with --check');
      const status = await withDaemon(io, globals, (client) => client.request('status', {}));
      if (globals.json === true) return printJson(io, status);
      const { renderStatus } = await import('../format/status.js');
      printLines(io, renderStatus(status, readNow(io), await loadPainter(io)));
    });

  program
    .command('reload')
    .description('re-read the tasks file (like SIGHUP); a file with errors is refused and the old tasks go on')
    .option('--dry-run', 'apply nothing: what a reload would add, change and remove, and the runs it would meet')
    .option('--exit-code', 'with --dry-run: exit 1 when the reload would change something (like git diff)')
    .action(async (options: { dryRun?: boolean; exitCode?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (options.exitCode === true && options.dryRun !== true)
        throw new TaskkitError('USAGE', 'reload: --exit-code goes with --dry-run');
      if (options.dryRun === true) {
        const { runReloadDryRun } = await import('../reload-plan.js');
        return runReloadDryRun(context, globals, options);
      }
      try {
        const { summary } = await withDaemon(io, globals, (client) => client.request('reload', {}));
        if (globals.json === true) return printJson(io, { summary });
        const { describeReloadSummary } = await import('../format/status.js');
        printLine(io, `reloaded: ${describeReloadSummary(summary)}`);
      } catch (error) {
        const { reportRefusedReload } = await import('../reload-refused.js');
        reportRefusedReload(
          context,
          globals,
          error,
          'taskkit: reload refused; the daemon goes on with the tasks it had',
        );
      }
    });
}

/** `start -f`: the daemon in this process, until a stop signal; resolves with its exit code. */
async function startForeground(io: CliIo, globals: GlobalOptions, insecure: boolean): Promise<number> {
  if (io.process === undefined) throw new TaskkitError('INTERNAL', 'start --foreground needs a real process');
  const { locateTasksFile } = await import('../../config/locate.js');
  const { loadForDaemon } = await import('../../daemon/load-isolated.js');
  const { path } = locateTasksFile({ flag: globals.config, env: io.env, cwd: io.cwd });
  // The spawner first, while this process is smallest (a fork copies its page tables); then the
  // loader child, whose start-up overlaps the import of the daemon's modules.
  const { startSpawner } = await import('../../runner/spawner-client.js');
  const spawner = startSpawner();
  const env = io.process.env;
  const firstLoad = loadForDaemon(path, { env, insecure, uid: io.process.getuid?.() ?? 0 });
  const { runDaemon } = await import('../../daemon/main.js');
  return await runDaemon({
    firstLoad,
    spawner,
    configPath: path,
    socketFlag: globals.socket,
    env,
    cwd: io.cwd,
    logStream: io.stderr,
    process: io.process,
    insecure,
  });
}

/** `start`: load the file here (so its problems print with excerpts), then daemon/startup-plan.ts. */
async function startInBackground(io: CliIo, globals: GlobalOptions, insecure: boolean): Promise<void> {
  const { loadTasksFileForCli, printWarnings } = await import('../tasks-file.js');
  const { startInBackground: startDaemon } = await import('../../daemon/startup-plan.js');
  const file = loadTasksFileForCli(io, globals.config, { lint: true });
  printWarnings(io, file);
  const started = await startDaemon(file, {
    socketFlag: globals.socket,
    env: io.env,
    cwd: io.cwd,
    insecure,
    uid: process.getuid?.() ?? 0,
  });
  if (globals.json === true) printJson(io, started);
  else printLine(io, `taskkit started (pid ${started.pid}, socket ${started.socket})`);
}

/** Poll until `pid` is gone: `stop` returns only when the daemon really has exited. */
async function waitForExit(io: CliIo, pid: number): Promise<void> {
  const { isProcessAlive } = await import('../../daemon/process-alive.js');
  const started = Date.now();
  let told = false;
  while (isProcessAlive(pid)) {
    if (!told && Date.now() - started >= STOP_NOTICE_MS) {
      printError(
        io,
        `taskkit: waiting for the daemon (pid ${pid}) to exit: running runs get settings.shutdown-grace to finish`,
      );
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, STOP_POLL_MS));
  }
}
