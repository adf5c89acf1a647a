/**
 * Who may use the web listener (issue 19.1, 19.4). With a token (http.token-file), every request
 * carries it as `Authorization: Bearer TOKEN`, or the session cookie the login form sets; without
 * one (loopback only), every local client may. Either way a POST must come from the page itself:
 * a browser's Origin and Sec-Fetch-Site must not name another site, and a browser session's POST
 * carries its CSRF token (a keyed hash of its session, which a page of another site cannot read).
 * A Bearer request is no browser's ambient credential, so no forged page can send one: it needs
 * no CSRF token.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isLoopbackHost } from '../config/http-address.js';

/** A login lasts this long; then the form again. */
const SESSION_MS = 12 * 60 * 60 * 1000;
/** Sessions kept at once: the oldest goes first (a flood of logins cannot grow memory). */
const MAX_SESSIONS = 1000;

export type Caller =
  /** Through the Authorization header: a script or Prometheus, not a browser's cookie. */
  | { readonly kind: 'bearer' }
  /** The login form's cookie. */
  | { readonly kind: 'session'; readonly id: string }
  /** No token configured (loopback). */
  | { readonly kind: 'anyone' };

export class Access {
  readonly #csrfKey = randomBytes(32);
  #tokenDigest: Buffer | null = null;
  readonly #sessions = new Map<string, number>();
  /** Cookies ignore ports: two daemons on one host must not read each other's. */
  readonly cookieName: string;

  constructor(port: number, token: string | null) {
    this.cookieName = `taskkit_session_${port}`;
    this.setToken(token);
  }

  get tokenRequired(): boolean {
    return this.#tokenDigest !== null;
  }

  /** A new token (reload) ends every session made with the old one. */
  setToken(token: string | null): void {
    const digest = token === null ? null : sha256(token);
    if (this.#tokenDigest !== null && digest !== null && timingSafeEqual(digest, this.#tokenDigest)) return;
    this.#tokenDigest = digest;
    this.#sessions.clear();
  }

  /** The caller, or null: no token where one is required (401). */
  identify(headers: IncomingHttpHeaders, now: number): Caller | null {
    if (this.#tokenDigest === null) return { kind: 'anyone' };
    const bearer = /^Bearer +(\S+) *$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer !== undefined && this.matchesToken(bearer)) return { kind: 'bearer' };
    const id = readCookie(headers.cookie, this.cookieName);
    const expires = id === undefined ? undefined : this.#sessions.get(id);
    if (id === undefined || expires === undefined) return null;
    if (expires <= now) {
      this.#sessions.delete(id);
      return null;
    }
    return { kind: 'session', id };
  }

  /** Compared in constant time, on digests so that the length tells nothing either. */
  matchesToken(candidate: string): boolean {
    return this.#tokenDigest !== null && timingSafeEqual(sha256(candidate), this.#tokenDigest);
  }

  /** A new session for a correct token: its Set-Cookie header value. */
  openSession(now: number): string {
    while (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
    const id = randomBytes(24).toString('base64url');
    this.#sessions.set(id, now + SESSION_MS);
    return `${this.cookieName}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`;
  }

  /** End the request's session: the Set-Cookie header value that clears the cookie. */
  closeSession(headers: IncomingHttpHeaders): string {
    const id = readCookie(headers.cookie, this.cookieName);
    if (id !== undefined) this.#sessions.delete(id);
    return `${this.cookieName}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
  }

  /** The CSRF token of a caller's forms: a keyed hash of its session (one per daemon without sessions). */
  csrfTokenFor(caller: Caller | null): string {
    const subject = caller?.kind === 'session' ? `session:${caller.id}` : 'daemon';
    return createHmac('sha256', this.#csrfKey).update(subject).digest('base64url');
  }

  /** Whether a POST's token (form field or X-CSRF-Token header) is the caller's. */
  checkCsrfToken(caller: Caller | null, sent: string | undefined): boolean {
    if (caller?.kind === 'bearer') return true;
    if (sent === undefined) return false;
    return timingSafeEqual(sha256(sent), sha256(this.csrfTokenFor(caller)));
  }
}

/**
 * Why a POST comes from another site, or null. A browser says where a request comes from
 * (Sec-Fetch-Site; Origin on every POST); a client that sends neither is no browser on another
 * site's behalf.
 */
export function crossSiteReason(headers: IncomingHttpHeaders): string | null {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin')
    return `Sec-Fetch-Site is "${site}": actions come from this page only`;
  const origin = headers.origin;
  if (origin === undefined) return null;
  const host = headers.host;
  if (host === undefined || (origin !== `http://${host}` && origin !== `https://${host}`))
    return `Origin ${origin} is not this page's: actions come from this page only`;
  return null;
}

/**
 * Whether the Host header names this machine, for a listener without a token: a page of another
 * site whose name is made to resolve to 127.0.0.1 (DNS rebinding) sends its own name, and is
 * refused before it can read anything.
 */
export function isLocalHostHeader(host: string | undefined): boolean {
  if (host === undefined) return false;
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::\d{1,5})?$/.exec(host);
  const name = match?.[1] ?? match?.[2];
  return name !== undefined && isLoopbackHost(name);
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
