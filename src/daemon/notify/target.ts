/**
 * A notifier in words for records, logs and `taskkit alerts`, without its secrets: a URL's
 * user:password never leaves the process that sends it (issue 16.1).
 */
import type { NotifyTarget } from '../../config/types.js';

/** "run: ./alert.sh", "command: notify-send taskkit", "url: https://hooks.example/x", "mail: ops@example.com". */
export function describeTarget(target: NotifyTarget): string {
  switch (target.kind) {
    case 'run':
      return target.run;
    case 'command':
      return target.argv.join(' ');
    case 'url':
      return redactUrl(target.url);
    case 'mail':
      return target.to;
  }
}

/** The URL without user and password ("https://***@host/..." when it had them). */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL (the config checks it): keep nothing that could be a secret after a scheme.
    return url.replace(/\/\/[^/@]*@/, '//***@');
  }
  if (parsed.username === '' && parsed.password === '') return parsed.href;
  parsed.username = '';
  parsed.password = '';
  return parsed.href.replace('//', '//***@');
}

/** `url` without credentials, and the Authorization header they become (fetch refuses a URL with them). */
export function splitCredentials(url: string): { readonly url: string; readonly authorization: string | null } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url: parsed.href, authorization: null };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
