/**
 * The systemd unit `taskkit service install` writes. Every choice is explained in the unit itself,
 * for whoever reads it with `systemctl cat`.
 */
import { existsSync } from 'node:fs';
import type { ServiceDefinition } from './definition.js';
import type { ServiceLocation } from './locations.js';

/** `kill` for ExecReload: /bin/kill (merged /usr or not), else /usr/bin/kill. */
function killPath(): string {
  return ['/bin/kill', '/usr/bin/kill'].find((path) => existsSync(path)) ?? '/bin/kill';
}

export function renderUnit(definition: ServiceDefinition, location: ServiceLocation): string {
  const system = location.scope === 'system';
  const manage = `systemctl${system ? '' : ' --user'}`;
  const lines = [
    `# Written by \`taskkit service install\` (taskkit ${definition.version}) for ${definition.tasksFile}.`,
    `# Remove it with \`taskkit service uninstall --config ${definition.tasksFile}\`${system ? ' --system' : ''};`,
    `# add your own settings with \`${manage} edit ${location.name}\` (a drop-in survives a reinstall).`,
    '[Unit]',
    `Description=${escapeSpecifiers(`taskkit: the tasks of ${definition.tasksFile}`)}`,
    'Documentation=man:taskkit(1)',
    // As cron.service: tasks may read network file systems and look users up.
    ...(system ? ['After=network.target remote-fs.target nss-user-lookup.target'] : []),
    '',
    '[Service]',
    '# Started means the control socket answers: the daemon runs systemd-notify --ready once it',
    '# listens and its tasks are scheduled (NotifyAccess=all: systemd-notify is its child).',
    'Type=notify',
    'NotifyAccess=all',
    `ExecStart=${definition.argv.map(quoteArgument).join(' ')}`,
    '# SIGHUP reloads the tasks file; a file with errors is refused and the old tasks go on.',
    `ExecReload=${killPath()} -HUP $MAINPID`,
    'Restart=on-failure',
    'RestartSec=5s',
    '# Exit 2 is a tasks file with errors (or one others can write): a restart would not fix it.',
    'RestartPreventExitStatus=2',
    '# SIGTERM to the daemon alone: it gives running runs settings.shutdown-grace, then stops their',
    '# process groups itself. What is left when TimeoutStopSec ends (the grace plus a margin) is',
    '# killed, runs included. The default (control-group) would signal the runs at once, with no grace.',
    'KillMode=mixed',
    `TimeoutStopSec=${definition.stopTimeoutSeconds}`,
    ...(system && definition.runAs !== null ? [`User=${definition.runAs}`] : []),
    '',
    '[Install]',
    `WantedBy=${system ? 'multi-user.target' : 'default.target'}`,
    '',
  ];
  return lines.join('\n');
}

/**
 * One word of ExecStart: bare when it is plain, else double-quoted with C escapes. Either way `%`
 * (a unit specifier) is doubled and `$` (variable expansion) too, so a path is taken as written.
 */
export function quoteArgument(arg: string): string {
  const escaped = escapeSpecifiers(arg).replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function escapeSpecifiers(text: string): string {
  return text.replace(/%/g, '%%');
}
