/** The web listener's pure parts: route matching, escaping, where a login may lead, who a caller is, CSRF. */
import { describe, expect, test } from 'vitest';
import { Access, crossSiteReason, isLocalHostHeader } from '../../src/http/access.js';
import { safeNext } from '../../src/http/login.js';
import { escapeHtml, matchPath } from '../../src/http/route.js';

describe('matchPath', () => {
  test('literal and :param segments, decoded', () => {
    expect(matchPath('/metrics', '/metrics')).toEqual({});
    expect(matchPath('/task/:name', '/task/a%20b')).toEqual({ name: 'a b' });
    expect(matchPath('/task/:name/run/:id', '/task/x/run/12')).toEqual({ name: 'x', id: '12' });
  });

  test('no match: other segments, an empty param, a trailing slash, bad percent-encoding', () => {
    expect(matchPath('/metrics', '/metrics/')).toBeNull();
    expect(matchPath('/task/:name', '/task/')).toBeNull();
    expect(matchPath('/task/:name', '/tasks/x')).toBeNull();
    expect(matchPath('/task/:name', '/task/%E0%A4%A')).toBeNull();
  });
});

test('escapeHtml leaves no markup', () => {
  expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe(
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
  );
});

test('a login leads back to a local path only', () => {
  expect(['/metrics', '/task/a?x=1', null, '//evil.example', '/\\evil', 'http://evil', '/a b'].map(safeNext)).toEqual([
    '/metrics',
    '/task/a?x=1',
    '/',
    '/',
    '/',
    '/',
    '/',
  ]);
});

describe('the Host a tokenless listener answers', () => {
  test.each([
    ['127.0.0.1:9187', true],
    ['localhost:9187', true],
    ['localhost', true],
    ['[::1]:9187', true],
    ['evil.example:9187', false],
    ['127.0.0.1.evil.example', false],
    [undefined, false],
  ])('%s', (host, local) => {
    expect(isLocalHostHeader(host)).toBe(local);
  });
});

describe('crossSiteReason', () => {
  test('same-origin or no browser headers pass; another site does not', () => {
    expect(crossSiteReason({ host: '127.0.0.1:1' })).toBeNull();
    expect(
      crossSiteReason({ host: '127.0.0.1:1', origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-origin' }),
    ).toBeNull();
    expect(crossSiteReason({ host: '127.0.0.1:1', origin: 'http://127.0.0.1:2' })).toMatch(/^Origin /);
    expect(crossSiteReason({ host: '127.0.0.1:1', 'sec-fetch-site': 'same-site' })).toMatch(/^Sec-Fetch-Site /);
    expect(crossSiteReason({ host: '127.0.0.1:1', origin: 'null' })).toMatch(/^Origin null /);
  });
});

describe('Access', () => {
  const NOW = 1_000_000;

  test('without a token everyone is a caller, and forms carry the daemon-wide CSRF token', () => {
    const access = new Access(9187, null);
    const caller = access.identify({}, NOW);
    expect(caller).toEqual({ kind: 'anyone' });
    expect(access.checkCsrfToken(caller, access.csrfTokenFor(caller))).toBe(true);
    expect(access.checkCsrfToken(caller, 'forged')).toBe(false);
    expect(access.checkCsrfToken(caller, undefined)).toBe(false);
    // Another daemon (another key) makes other tokens.
    expect(new Access(9187, null).csrfTokenFor(caller)).not.toBe(access.csrfTokenFor(caller));
  });

  test('with a token: Bearer, or the session cookie; a session has its own CSRF token and an end', () => {
    const access = new Access(9187, 'tok');
    expect(access.identify({}, NOW)).toBeNull();
    expect(access.identify({ authorization: 'Bearer nope' }, NOW)).toBeNull();
    expect(access.identify({ authorization: 'Bearer tok' }, NOW)).toEqual({ kind: 'bearer' });
    const cookie = access.openSession(NOW).split(';')[0] ?? '';
    const session = access.identify({ cookie: `other=1; ${cookie}` }, NOW);
    expect(session?.kind).toBe('session');
    expect(access.checkCsrfToken(session, access.csrfTokenFor(session))).toBe(true);
    expect(access.checkCsrfToken(session, access.csrfTokenFor({ kind: 'anyone' }))).toBe(false);
    expect(access.identify({ cookie }, NOW + 12 * 3600 * 1000)).toBeNull();
  });

  test('a new token ends the sessions of the old one; the same token keeps them', () => {
    const access = new Access(9187, 'tok');
    const cookie = access.openSession(NOW).split(';')[0] ?? '';
    access.setToken('tok');
    expect(access.identify({ cookie }, NOW)?.kind).toBe('session');
    access.setToken('new');
    expect(access.identify({ cookie }, NOW)).toBeNull();
    expect(access.identify({ authorization: 'Bearer tok' }, NOW)).toBeNull();
  });
});
