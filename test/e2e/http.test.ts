/**
 * Issue 19.1, 19.2, 19.4 through bin/taskkit: a real daemon with `settings.http`, its /metrics
 * parsed strictly against known runs, what it refuses (no token, another site's POST, a malformed
 * request, huge headers, a foreign Host), and the listener's life at start and reload.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cleanUpDaemons, daemonTasks, makeDaemonDir, readDaemonLog, startDetached } from './_daemon.js';
import { parseExposition, valueOf } from '../support/exposition.js';
import { freePort, httpGet, rawExchange, send } from './_http.js';

const blockers: Server[] = [];
afterEach(async () => {
  for (const server of blockers.splice(0)) await new Promise((resolve) => server.close(resolve));
  await cleanUpDaemons();
});

const TASKS = [
  '  ok:',
  '    run: echo fine',
  '  bad:',
  '    run: exit 1',
  '  later:',
  '    every: 1h',
  '    run: "true"',
];

const SECURITY_HEADERS = {
  'content-security-policy': expect.stringContaining("default-src 'none'") as unknown,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

describe('a loopback listener', () => {
  test(
    '/metrics against known runs, then what it refuses; the engine answers throughout',
    { timeout: 60_000 },
    async () => {
      const d = makeDaemonDir();
      const port = await freePort();
      d.writeTasks(daemonTasks(TASKS, [`  http: 127.0.0.1:${port}`]));
      await startDetached(d);
      expect(readDaemonLog(d)).toContain(`http: listening on http://127.0.0.1:${port}/ (no token (loopback only))`);

      const first = await httpGet(port, '/metrics');
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(first.headers).toMatchObject(SECURITY_HEADERS);
      const before = parseExposition(first.body);
      expect(valueOf(before, 'taskkit_up')).toBe(1);
      const runsBefore = before.filter((sample) => sample.name === 'taskkit_runs_total');
      expect(runsBefore.map((sample) => sample.value)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(valueOf(before, 'taskkit_task_held', { task: 'ok' })).toBe(0);
      expect(valueOf(before, 'taskkit_task_next_run_timestamp_seconds', { task: 'ok' })).toBeUndefined();
      const nextLater = valueOf(before, 'taskkit_task_next_run_timestamp_seconds', { task: 'later' }) ?? 0;
      expect(nextLater % 3600).toBe(0);
      expect(before.some((sample) => sample.name === 'process_cpu_user_seconds_total')).toBe(true);

      const startedAt = Date.now() / 1000;
      expect((await d.taskkit(['run-now', 'ok', '--wait'])).code).toBe(0);
      expect((await d.taskkit(['run-now', 'bad', '--wait'])).code).toBe(1);
      expect((await d.taskkit(['hold', 'ok', '--note', 'maintenance'])).code).toBe(0);
      const endedAt = Date.now() / 1000;

      const after = parseExposition((await httpGet(port, '/metrics')).body);
      expect(valueOf(after, 'taskkit_runs_total', { task: 'ok', status: 'succeeded' })).toBe(1);
      expect(valueOf(after, 'taskkit_runs_total', { task: 'bad', status: 'failed' })).toBe(1);
      expect(valueOf(after, 'taskkit_runs_total', { task: 'bad', status: 'succeeded' })).toBe(0);
      const lastSuccess = valueOf(after, 'taskkit_task_last_success_timestamp_seconds', { task: 'ok' }) ?? 0;
      expect(lastSuccess).toBeGreaterThanOrEqual(startedAt - 0.001);
      expect(lastSuccess).toBeLessThanOrEqual(endedAt + 0.001);
      expect(valueOf(after, 'taskkit_task_last_success_timestamp_seconds', { task: 'bad' })).toBeUndefined();
      expect(valueOf(after, 'taskkit_task_last_run_duration_seconds', { task: 'bad' })).toBeGreaterThan(0);
      expect(valueOf(after, 'taskkit_task_failing', { task: 'bad' })).toBe(1);
      expect(valueOf(after, 'taskkit_task_failing', { task: 'ok' })).toBe(0);
      expect(valueOf(after, 'taskkit_task_held', { task: 'ok' })).toBe(1);
      expect(valueOf(after, 'taskkit_task_held', { task: 'bad' })).toBe(0);
      expect(valueOf(after, 'taskkit_task_running', { task: 'bad' })).toBe(0);

      // Another site's POST, and a POST without the form token, are refused.
      const crossSite = await send(port, {
        method: 'POST',
        path: '/logout',
        headers: { origin: 'http://evil.example' },
      });
      expect([crossSite.status, crossSite.body]).toEqual([
        403,
        "Origin http://evil.example is not this page's: actions come from this page only\n",
      ]);
      const fetchSite = await send(port, {
        method: 'POST',
        path: '/logout',
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      expect(fetchSite.status).toBe(403);
      const noToken = await send(port, {
        method: 'POST',
        path: '/logout',
        headers: { origin: `http://127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'csrf=forged',
      });
      expect([noToken.status, noToken.body]).toEqual([
        403,
        'missing or stale form token: reload the page and try again\n',
      ]);

      // A name that is not this machine's (DNS rebinding) gets nothing from a tokenless listener.
      expect((await httpGet(port, '/metrics', { host: 'evil.example' })).status).toBe(403);
      // Not HTTP at all, then headers of 100 KB: Node's parser answers before our code.
      expect(await rawExchange(port, 'GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`)).toMatch(
        /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/,
      );
      expect((await httpGet(port, '/nothing')).status).toBe(404);
      expect((await send(port, { method: 'DELETE', path: '/' })).status).toBe(405);
      // ...and the engine answered throughout.
      const list = await d.taskkit(['list', '--json']);
      expect(list.code).toBe(0);
      expect((JSON.parse(list.stdout) as { name: string }[]).map((task) => task.name)).toEqual(['ok', 'bad', 'later']);

      // A reload without http: closes the listener (connection refused after), and tasks go on.
      d.writeTasks(daemonTasks(TASKS));
      expect((await d.taskkit(['reload'])).code).toBe(0);
      await expect(httpGet(port, '/metrics')).rejects.toThrow(/ECONNREFUSED/);
      expect(readDaemonLog(d)).toContain(`http: stopped listening on 127.0.0.1:${port}`);
    },
  );
});

describe('secrets', () => {
  test('a secret env value appears on no page and in no metric', { timeout: 60_000 }, async () => {
    const d = makeDaemonDir();
    const port = await freePort();
    const tasks = ['  keyed:', '    run: echo done', '    env:', '      API_KEY: { secret: hunter2-do-not-show }'];
    d.writeTasks(daemonTasks(tasks, [`  http: 127.0.0.1:${port}`]));
    await startDetached(d);
    expect((await d.taskkit(['run-now', 'keyed', '--wait'])).code).toBe(0);
    const pages = ['/', '/tasks/keyed', '/graph', '/metrics', '/tasks/keyed/runs/1'];
    const replies = await Promise.all(pages.map((path) => httpGet(port, path)));
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200]);
    for (const [index, reply] of replies.entries()) {
      expect(reply.body, pages[index]).not.toContain('hunter2');
      expect(JSON.stringify(reply.headers), pages[index]).not.toContain('hunter2');
    }
    // The task's page does name the variable, with the placeholder `show` prints.
    expect(replies[1]?.body).toContain('API_KEY');
    expect(replies[1]?.body).toContain('(secret)');
  });
});

describe('a listener beyond loopback needs its token', () => {
  test('401 without it, 200 with Bearer, and the login form sets a session cookie', { timeout: 60_000 }, async () => {
    const d = makeDaemonDir();
    const port = await freePort('0.0.0.0');
    const token = join(d.dir, 'token');
    writeFileSync(token, 's3cret-token\n');
    chmodSync(token, 0o600);
    d.writeTasks(daemonTasks(TASKS, ['  http:', `    listen: 0.0.0.0:${port}`, `    token-file: ${token}`]));
    await startDetached(d);

    const refused = await httpGet(port, '/metrics');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="taskkit"');
    expect(refused.body).toContain('href="/login?next=%2Fmetrics"');
    expect((await httpGet(port, '/metrics', { authorization: 'Bearer wrong' })).status).toBe(401);
    const allowed = await httpGet(port, '/metrics', { authorization: 'Bearer s3cret-token' });
    expect(allowed.status).toBe(200);
    expect(valueOf(parseExposition(allowed.body), 'taskkit_up')).toBe(1);

    const form = { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${port}` };
    const wrong = await send(port, { method: 'POST', path: '/login', headers: form, body: 'token=nope&next=/metrics' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const login = await send(port, {
      method: 'POST',
      path: '/login',
      headers: form,
      body: 'token=s3cret-token&next=%2Fmetrics',
    });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/metrics');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(
      new RegExp(`^taskkit_session_${port}=[A-Za-z0-9_-]{32}; HttpOnly; SameSite=Strict; Path=/;`),
    );
    const withCookie = await httpGet(port, '/metrics', { cookie: cookie.split(';')[0] ?? '' });
    expect(withCookie.status).toBe(200);
    // A login that would send the browser to another site goes home instead.
    const away = await send(port, {
      method: 'POST',
      path: '/login',
      headers: form,
      body: 'token=s3cret-token&next=//evil',
    });
    expect(away.headers.location).toBe('/');
  });
});

describe('what start and reload refuse', () => {
  test('a non-loopback address without token-file, saying why at its line:col', { timeout: 30_000 }, async () => {
    const d = makeDaemonDir();
    d.writeTasks(daemonTasks(TASKS, ['  http: 0.0.0.0:9187']));
    const started = await d.taskkit(['start']);
    expect(started.code).toBe(2);
    expect(started.stderr).toContain(
      'tasks.yaml:5:9: settings.http: listening on 0.0.0.0:9187 (not loopback) requires http.token-file',
    );
  });

  test('a token file group members can read', { timeout: 30_000 }, async () => {
    const d = makeDaemonDir();
    const token = join(d.dir, 'token');
    writeFileSync(token, 'secret\n');
    chmodSync(token, 0o640);
    d.writeTasks(daemonTasks(TASKS, ['  http:', '    listen: 0.0.0.0:9187', `    token-file: ${token}`]));
    const started = await d.taskkit(['start']);
    expect(started.code).toBe(2);
    expect(started.stderr).toContain(`settings.http.token-file: token file ${token} has mode 0640`);
    expect(started.stderr).toContain(`run chmod 600 ${token}`);
  });

  test('a port in use: a clear start error; at reload the old listener goes on', { timeout: 60_000 }, async () => {
    const d = makeDaemonDir();
    const busy = await occupy();
    d.writeTasks(daemonTasks(TASKS, [`  http: 127.0.0.1:${busy}`]));
    const started = await d.taskkit(['start']);
    expect(started.code).not.toBe(0);
    expect(started.stderr).toContain(`http: 127.0.0.1:${busy} is in use (another taskkit? another program?)`);
    expect(d.readPid()).toBeNull();

    const port = await freePort();
    d.writeTasks(daemonTasks(TASKS, [`  http: 127.0.0.1:${port}`]));
    await startDetached(d);
    d.writeTasks(daemonTasks([...TASKS, '  added:', '    run: "true"'], [`  http: 127.0.0.1:${busy}`]));
    const reload = await d.taskkit(['reload']);
    expect(reload.code).not.toBe(0);
    expect(reload.stderr).toContain(`http: 127.0.0.1:${busy} is in use`);
    expect((await httpGet(port, '/metrics')).status).toBe(200);
    const names = (JSON.parse((await d.taskkit(['list', '--json'])).stdout) as { name: string }[]).map((t) => t.name);
    expect(names).toEqual(['ok', 'bad', 'later']);

    // A reload to a free address moves the listener: the new one answers, the old one is gone.
    const moved = await freePort();
    d.writeTasks(daemonTasks(TASKS, [`  http: 127.0.0.1:${moved}`]));
    expect((await d.taskkit(['reload'])).code).toBe(0);
    expect((await httpGet(moved, '/metrics')).status).toBe(200);
    await expect(httpGet(port, '/metrics')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('http: turned on at reload', () => {
  test('a daemon started without http: serves it after a reload adds it', { timeout: 60_000 }, async () => {
    const d = makeDaemonDir();
    const port = await freePort();
    d.writeTasks(daemonTasks(TASKS));
    await startDetached(d);
    await expect(httpGet(port, '/metrics')).rejects.toThrow(/ECONNREFUSED/);
    d.writeTasks(daemonTasks(TASKS, [`  http: 127.0.0.1:${port}`]));
    expect((await d.taskkit(['reload'])).code).toBe(0);
    const metrics = parseExposition((await httpGet(port, '/metrics')).body);
    expect(valueOf(metrics, 'taskkit_up')).toBe(1);
    expect(valueOf(metrics, 'taskkit_task_held', { task: 'ok' })).toBe(0);
    expect((await httpGet(port, '/')).status).toBe(200);
    expect(readDaemonLog(d)).toContain(`http: listening on http://127.0.0.1:${port}/`);
  });
});

/** A port held by another program for the test. */
async function occupy(): Promise<number> {
  const server = createServer();
  blockers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
