/**
 * The route table of the web listener (`settings.http`, issue 19).
 *
 * How to add a route:
 * 1. Write its handler, `(request, services) => HttpResponse` (route.ts), in a file of its own
 *    under src/http/ (a page: src/http/page/NAME.ts). Read the daemon through `services.call`:
 *    the control socket's methods with their JSON views (`list`, `show`, `next`, `logs`...), the
 *    same the CLI's `--json` prints, secrets already masked. Act through it too (`run-now`,
 *    `hold`, `resume`, `cancel`). A ControlError it throws (unknown task, bad params) becomes
 *    404/400 with its message as plain text; anything else is a 500 and a line in the log.
 * 2. Build the answer with `html()`, `text()`, `json()`, `redirect()` (route.ts). Every piece of text
 *    that reaches HTML goes through `escapeHtml()`: task names, notes, output, error messages; the
 *    page builds its markup with the `markup` tag of page/html.ts, which escapes every value it is given.
 *    Styles and scripts are routes answering string constants (`/style.css`, `/page.js`): the
 *    Content-Security-Policy (respond.ts) allows only this origin, never inline code, and nothing
 *    is served from disk.
 * 3. A form that changes something POSTs (method="post") with
 *    `<input type="hidden" name="csrf" value="${escapeHtml(request.csrfToken)}">` (CSRF_FIELD);
 *    then answer `redirect(...)` (303) back to a page. The server has already refused (403) a POST
 *    from another site or without the token; the handler only does the action.
 * 4. Live updates: answer `{status: 200, contentType: 'text/event-stream', stream(sink)}`, subscribe
 *    with `services.on('task-changed', ...)` and unsubscribe when `sink.signal` aborts.
 * 5. Add the route to ROUTES below, and a test under test/http/.
 * The server (server.ts) does the rest: the token (401) or the login cookie, Host checks, size and
 * time limits, HEAD for every GET, 404/405, the security headers.
 */
import { createPageRoutes } from './page/page-table.js';
import type { Route } from './route.js';
import { text } from './route.js';

const metricsRoute: Route = {
  method: 'GET',
  path: '/metrics',
  handler: async (_request, services) => {
    const { contentType, body } = await services.metrics();
    return { status: 200, contentType, body };
  },
};

/** The login form's style sheet (the status page has its own, page/assets.ts). */
const styleRoute: Route = {
  method: 'GET',
  path: '/style.css',
  public: true,
  handler: () => ({ ...text('body{font-family:sans-serif;margin:2em}\n'), contentType: 'text/css; charset=utf-8' }),
};

/** Every route of the listener but the login form's (login.ts, added by the server). */
export const ROUTES: readonly Route[] = [...createPageRoutes(), metricsRoute, styleRoute];
