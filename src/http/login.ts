/**
 * The login form of a listener with a token (issue 19.1): a browser cannot send a Bearer header by
 * itself, so the token is typed once into this form, which sets an HttpOnly, SameSite=Strict
 * session cookie (access.ts). Plain HTML, no script; the page's stylesheet when it has one.
 */
import type { Access } from './access.js';
import { escapeHtml, html, redirect, type HttpResponse, type Route } from './route.js';

/** The routes of logging in and out; without a token, /login just leads to the page. */
export function loginRoutes(access: Access, now: () => number): Route[] {
  return [
    {
      method: 'GET',
      path: '/login',
      public: true,
      handler: (request) =>
        access.tokenRequired ? loginPage(safeNext(request.query.get('next')), null, 200) : redirect('/'),
    },
    {
      method: 'POST',
      path: '/login',
      public: true,
      handler: (request) => {
        const next = safeNext(request.form.get('next'));
        if (!access.tokenRequired) return redirect(next);
        if (!access.matchesToken(request.form.get('token') ?? ''))
          return loginPage(next, 'That is not the token of this daemon.', 401);
        return redirect(next, { 'set-cookie': access.openSession(now()) });
      },
    },
    {
      method: 'POST',
      path: '/logout',
      handler: (request) => redirect('/login', { 'set-cookie': access.closeSession(request.headers) }),
    },
  ];
}

/** The 401 answer: the form's address for people, the WWW-Authenticate header for programs. */
export function unauthorized(path: string): HttpResponse {
  const target = `/login?next=${encodeURIComponent(path)}`;
  return {
    ...html(
      page(
        'Token required',
        `<p>This taskkit page needs its token: <a href="${escapeHtml(target)}">log in</a>, ` +
          'or send <code>Authorization: Bearer TOKEN</code>.</p>',
      ),
      401,
    ),
    headers: { 'www-authenticate': 'Bearer realm="taskkit"' },
  };
}

function loginPage(next: string, problem: string | null, status: number): HttpResponse {
  const message = problem === null ? '' : `<p class="error">${escapeHtml(problem)}</p>`;
  return html(
    page(
      'taskkit: log in',
      `${message}<form method="post" action="/login">` +
        `<input type="hidden" name="next" value="${escapeHtml(next)}">` +
        '<label>Token <input type="password" name="token" autocomplete="current-password" autofocus required>' +
        '</label> ' +
        '<button type="submit">Log in</button></form>' +
        '<p>The token is the content of the file <code>settings.http.token-file</code> names.</p>',
    ),
    status,
  );
}

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<link rel="stylesheet" href="/style.css"></head>' +
    `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`
  );
}

/** A local path to go back to after logging in: never another site (`//evil`, `/\evil`, `http:`). */
export function safeNext(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  return /^[\x21-\x7e]*$/.test(next) ? next : '/';
}
