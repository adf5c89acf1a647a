/**
 * What `taskkit service` asks of the service manager, once per manager: is it there, make the
 * written unit run, stop it before removal, and its state. systemd through `systemctl [--user]`,
 * launchd through `launchctl` (gui/UID or system domain).
 */
import type { CliIo } from '../io.js';
import type { ServiceLocation } from './locations.js';
import { runStep, runTool } from './run-tool.js';

/** How the file on disk changed at install: written anew, left as it was, or replaced (--force). */
export type FileChange = 'new' | 'same' | 'replaced';

export interface ServiceState {
  /** systemctl is-active's word (active, inactive, failed, ...); launchd: running, loaded, not loaded. */
  readonly active: string;
  /** systemctl is-enabled's word (enabled, disabled, ...); launchd: the plist is loaded at login/boot. */
  readonly enabled: string;
}

export interface ServiceControl {
  /** The command users would type, for messages (`systemctl --user`). */
  readonly tool: string;
  /** Null when the manager answers, else why it cannot be used. */
  unreachable(): string | null;
  /** The unit file is in place: load it, enable it and (re)start it. */
  activate(change: FileChange): void;
  /** Before the file goes: stop it and disable it. */
  deactivate(): void;
  /** After the file is gone. */
  forget(): void;
  state(): ServiceState;
}

/** systemctl is-system-running's answers of a manager that is there (offline/unknown: it is not). */
const LIVE_STATES = new Set(['initializing', 'starting', 'running', 'degraded', 'maintenance', 'stopping']);

export function controlFor(io: CliIo, location: ServiceLocation): ServiceControl {
  return location.manager === 'launchd' ? launchctlControl(io, location) : systemctlControl(io, location);
}

function systemctlControl(io: CliIo, location: ServiceLocation): ServiceControl {
  const scope = location.scope === 'user' ? ['--user'] : [];
  const step = (...args: string[]): void => runStep(io, 'systemctl', [...scope, ...args]);
  const ask = (...args: string[]): string => {
    const result = runTool(io, 'systemctl', [...scope, ...args]);
    return result.stdout.trim().split('\n')[0] || result.stderr.trim() || `exit ${result.code ?? '?'}`;
  };
  return {
    tool: ['systemctl', ...scope].join(' '),
    unreachable: () => {
      const result = runTool(io, 'systemctl', [...scope, 'is-system-running']);
      if (!result.found) return 'systemctl is not on PATH: this system does not run systemd';
      const answer = result.stdout.trim();
      if (LIVE_STATES.has(answer)) return null;
      const why = result.stderr.trim() || `systemctl is-system-running says "${answer}"`;
      return location.scope === 'user'
        ? `no systemd user manager answers (${why})`
        : `systemd is not running here (${why})`;
    },
    activate: (change) => {
      step('daemon-reload');
      // enable --now does not restart a running unit: after a replacement, the old command line would go on.
      if (change === 'replaced') {
        step('enable', location.name);
        step('restart', location.name);
      } else step('enable', '--now', location.name);
    },
    deactivate: () => step('disable', '--now', location.name),
    forget: () => step('daemon-reload'),
    state: () => ({ active: ask('is-active', location.name), enabled: ask('is-enabled', location.name) }),
  };
}

function launchctlControl(io: CliIo, location: ServiceLocation): ServiceControl {
  const uid = io.process?.getuid?.() ?? process.getuid?.() ?? 0;
  const domain = location.scope === 'system' ? 'system' : `gui/${uid}`;
  const target = `${domain}/${location.name}`;
  const print = (): { loaded: boolean; running: boolean } => {
    const result = runTool(io, 'launchctl', ['print', target]);
    return { loaded: result.code === 0, running: result.code === 0 && /^\s*state = running\s*$/m.test(result.stdout) };
  };
  return {
    tool: 'launchctl',
    unreachable: () => (runTool(io, 'launchctl', ['help']).found ? null : 'launchctl is not on PATH'),
    activate: (change) => {
      const { loaded } = print();
      if (loaded && change === 'same') return;
      if (loaded) runStep(io, 'launchctl', ['bootout', target]);
      runStep(io, 'launchctl', ['bootstrap', domain, location.path]);
    },
    deactivate: () => {
      if (print().loaded) runStep(io, 'launchctl', ['bootout', target]);
    },
    forget: () => {},
    state: () => {
      const { loaded, running } = print();
      return {
        active: running ? 'running' : loaded ? 'loaded' : 'not loaded',
        enabled: loaded ? 'loaded' : 'not loaded',
      };
    },
  };
}
