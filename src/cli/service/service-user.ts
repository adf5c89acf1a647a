/**
 * Whom a service runs as. A user unit runs as its user. A system unit (--system) runs as the owner
 * of the tasks file: taskkit trusts only a file its own user (or root) owns (config/file-trust.ts),
 * so that is the one user the daemon can run it as, and `sudo taskkit service install --system
 * --config ~alice/tasks.yaml` runs alice's tasks as alice, not as root. A file root owns runs as root.
 */
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';

export interface ServiceUser {
  readonly uid: number;
  /** The account name (User=, UserName), or the number when the account database does not know it. */
  readonly name: string;
}

/** The owner of `path`. */
export function ownerOf(path: string): ServiceUser {
  const uid = statSync(path).uid;
  return { uid, name: accountName(uid) };
}

/** The user running this command. */
export function currentUser(): ServiceUser {
  const info = userInfo();
  return { uid: info.uid, name: info.username };
}

function accountName(uid: number): string {
  const me = userInfo();
  if (me.uid === uid) return me.username;
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return String(uid);
  }
  for (const line of passwd.split('\n')) {
    const [name, , id] = line.split(':');
    if (name !== undefined && name !== '' && id === String(uid)) return name;
  }
  return String(uid);
}
