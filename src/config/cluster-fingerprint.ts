/**
 * The fingerprint a cluster compares a task's definition by (../shared/CLUSTER.md 6: one published
 * definition per task; a host whose own differs gets `stale-definition`). The same file on every
 * host must give the same fingerprint wherever it sits, so, unlike definitionFingerprint (which is
 * this host's, stored with its task state), no path resolved from the file's folder counts as
 * such: `cwd`, `env-file` and a `module` inside the folder count relative to it (`cwd` left at its
 * default is "."); paths outside it count as written (absolute). The zone counts: `timezone` is
 * resolved (the task's own, else settings.timezone, required in cluster mode). Left out as in
 * definitionFingerprint: where the task sits, its notifier and its calendars.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { canonicalJson } from './canonical-json.js';
import { sha256Prefix } from './definition.js';
import type { TaskAction, TaskSpec } from './types.js';

// Specs are frozen and replaced on reload; one folder per file, so one hash per spec object.
const fingerprints = new WeakMap<TaskSpec, { readonly baseDir: string; readonly hash: string }>();

/** `spec`'s fingerprint in a cluster; `baseDir` is the folder of the tasks file it was read from. */
export function clusterFingerprint(spec: TaskSpec, baseDir: string): string {
  const known = fingerprints.get(spec);
  if (known?.baseDir === baseDir) return known.hash;
  const { source: _source, notify: _notify, except: _except, cwd, envFile, action, ...rest } = spec;
  const portable = {
    ...rest,
    cwd: portablePath(cwd, baseDir),
    envFile: envFile === null ? null : portablePath(envFile, baseDir),
    action: portableAction(action, baseDir),
  };
  const hash = sha256Prefix(canonicalJson(portable));
  fingerprints.set(spec, { baseDir, hash });
  return hash;
}

function portableAction(action: TaskAction, baseDir: string): TaskAction {
  return action.kind === 'module' ? { ...action, path: portablePath(action.path, baseDir) } : action;
}

/** `path` relative to `baseDir` ("." for the folder itself) when inside it, else as it is. */
export function portablePath(path: string, baseDir: string): string {
  const inside = relative(baseDir, path);
  if (inside === '') return '.';
  if (isAbsolute(inside) || inside === '..' || inside.startsWith(`..${sep}`)) return path;
  // The same text on every platform: a cluster's hosts may mix them.
  return inside.split(sep).join('/');
}
