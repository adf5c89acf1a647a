/**
 * `settings.http`'s address (issue 19.1): `HOST:PORT`, an IPv6 host in brackets (`[::1]:9187`).
 * Pure: whether a host is loopback is decided from its words, never by resolving it, so that a
 * name that resolves elsewhere tomorrow cannot open the page without a token today.
 */
import { isIP } from 'node:net';

export interface HttpAddress {
  /** As Node's listen() takes it: an IPv6 address without brackets. */
  readonly host: string;
  readonly port: number;
  /** 127.0.0.0/8, ::1 or `localhost`: only this machine can connect. */
  readonly loopback: boolean;
}

const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):([0-9]{1,5})$/;
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** `HOST:PORT` -> the address, or the reason it is not one (a sentence for the tasks-file error). */
export function parseHttpAddress(text: string): { ok: true; value: HttpAddress } | { ok: false; message: string } {
  const match = HOST_PORT.exec(text);
  const expected = 'expected HOST:PORT such as 127.0.0.1:9187, [::1]:9187 or 0.0.0.0:9187';
  if (match === null) return { ok: false, message: `${expected}, got "${text}"` };
  const [, bracketed, plain, portText = ''] = match;
  const host = bracketed ?? plain ?? '';
  const port = Number(portText);
  if (port < 1 || port > 65_535) return { ok: false, message: `the port must be 1 to 65535, got ${portText}` };
  if (bracketed !== undefined && isIP(host) !== 6) return { ok: false, message: `"[${host}]" is not an IPv6 address` };
  if (plain !== undefined && isIP(host) === 0 && !HOST_NAME.test(host))
    return { ok: false, message: `"${host}" is neither an IP address nor a host name; ${expected}` };
  return { ok: true, value: { host, port, loopback: isLoopbackHost(host) } };
}

/** 127.0.0.0/8, ::1 (and ::ffff:127.x) or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const v4 = lower.startsWith('::ffff:') ? lower.slice('::ffff:'.length) : lower;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** `127.0.0.1:9187`, `[::1]:9187`: how the address is written back in messages and URLs. */
export function formatHttpAddress(address: Pick<HttpAddress, 'host' | 'port'>): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
