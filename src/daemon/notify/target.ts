/**
 * A notifier in words for records, logs and `taskkit alerts`, without its secrets (config/notify.ts
 * words it; a URL's user:password never leaves the process that sends it), and a URL's credentials
 * as the header fetch needs (it refuses a URL with them).
 */
import { describeNotifyTarget } from '../../config/notify.js';
import type { NotifyTarget } from '../../config/types.js';

/** "./alert.sh", "notify-send taskkit", "https://***@hooks.example/x", "ops@example.com". */
export function describeTarget(target: NotifyTarget): string {
  return describeNotifyTarget(target).target;
}

/** `url` without credentials, and the Authorization header they become. */
export function splitCredentials(url: string): { readonly url: string; readonly authorization: string | null } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url: parsed.href, authorization: null };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
