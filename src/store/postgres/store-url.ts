/**
 * `settings.cluster.store`: a postgres:// URL without a password (the password belongs in
 * ~/.pgpass or PGPASSWORD, never in a tasks file or a log line). Unset parts (host, port, user,
 * database) come from the PG* environment variables, as with psql.
 */

const SCHEMES = ['postgres:', 'postgresql:'];

/** Why `url` cannot be a cluster store, or null when it can. */
export function storeUrlProblem(url: string): string | null {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  if (scheme === undefined || !SCHEMES.includes(scheme)) {
    return `"${redactUrl(url)}" is not a postgres:// or postgresql:// URL`;
  }
  if (passwordOf(url) !== '' || /[?&]password=/i.test(url)) {
    return `the URL "${redactUrl(url)}" carries a password: put it in ~/.pgpass or PGPASSWORD`;
  }
  return null;
}

/** The password part of `scheme://user:password@host`, '' when none. */
function passwordOf(url: string): string {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
  const at = authority.lastIndexOf('@');
  if (at < 0) return '';
  const colon = authority.slice(0, at).indexOf(':');
  return colon < 0 ? '' : authority.slice(colon + 1, at);
}

/** The URL with any password replaced by `***` (and `password=` parameters too): safe for messages. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^/?#]*@/i, '$1:***@')
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** How to name the target in a message: the redacted URL, or where the PG* variables point. */
export function describeTarget(url: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (url !== null) return redactUrl(url);
  const host = env.PGHOST ?? 'localhost';
  const port = env.PGPORT ?? '5432';
  const user = env.PGUSER ?? env.USER ?? '';
  const db = env.PGDATABASE ?? user;
  return `PGHOST=${host} PGPORT=${port} PGUSER=${user} PGDATABASE=${db}`;
}
