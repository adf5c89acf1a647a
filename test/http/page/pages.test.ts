/**
 * The status page's renderers: what each page shows (the words of `list`/`show`/`history`), the
 * colours by status, the forms with their CSRF token, and that no text from a task (name,
 * description, note, outcome, output, env) can become markup.
 */
import { describe, expect, test } from 'vitest';
import { renderGraphPage } from '../../../src/http/page/graph.js';
import { renderOutput, stripTerminalSequences, MAX_SHOWN_BYTES } from '../../../src/http/page/output.js';
import { pageOf, readPageNumber } from '../../../src/http/page/paging.js';
import { renderRunPage } from '../../../src/http/page/run-page.js';
import { renderTaskListPage } from '../../../src/http/page/task-list.js';
import { renderTaskPage } from '../../../src/http/page/task-page.js';
import { LIVE_ASSET, PAGE_ASSETS, STYLE_ASSET } from '../../../src/http/page/assets.js';
import { NOW, expectNoActiveMarkup, runView, showResult, squash, startTags, taskView } from './_views.js';

const EVIL = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const TOKEN = 'tok-123';
const squashed = (...args: Parameters<typeof renderTaskListPage>): string => squash(renderTaskListPage(...args));

describe('task list', () => {
  const backup = taskView({
    name: 'backup',
    description: `nightly ${EVIL}`,
    lastRun: runView({ id: 7, task: 'backup', status: 'failed', exitCode: 3, outcome: 'exited with code 3' }),
    failing: true,
  });
  const held = taskView({ name: 'sync', state: 'held', held: true, holdNote: `disk full ${EVIL}` });
  const fresh = taskView({ name: 'fresh' });
  const runs = [
    runView({ id: 7, task: 'backup', status: 'failed', outcome: 'exited with code 3' }),
    runView({ id: 6, task: 'backup' }),
    runView({ id: 5, task: 'backup', status: 'skipped', outcome: 'skipped: already running' }),
  ];
  const page = squashed({
    tasks: [backup, held, fresh],
    recentRuns: new Map([['backup', runs]]),
    now: NOW,
    csrfToken: TOKEN,
  });

  test("a row per task with list's words: state, schedule, next, last", () => {
    expect(page).toContain('<a href="/tasks/backup"><strong>backup</strong></a>');
    expect(page).toContain('3 tasks: 1 failing, 1 held, 0 overdue, 0 running');
    expect(page).toContain('<td class="bad">scheduled, failing</td>');
    expect(page).toContain('in 5m (12:05:00)');
    expect(page).toContain('<td class="bad">exited with code 3, 59m58s ago</td>');
    expect(page).toContain('<td class="idle">-</td>'); // fresh: grey, never ran
  });

  test('the strip: oldest first, a coloured link per run', () => {
    const cellPattern = /<a class="cell (\w+)" href="\/tasks\/backup\/runs\/(\d+)"/g;
    const cells = [...page.matchAll(cellPattern)].map((m) => `${m[2]}:${m[1]}`);
    expect(cells).toEqual(['5:warn', '6:ok', '7:bad']);
    expect(page).toContain('title="#7 exited with code 3, 2026-03-01 11:00:00 +00:00"');
  });

  test('run-now for a task, resume for a held one, each a POST with the token', () => {
    expect(page).toContain('<form class="inline" method="post" action="/tasks/backup/run-now">');
    expect(page).toContain('<form class="inline" method="post" action="/tasks/sync/resume">');
    expect(page.match(/<input type="hidden" name="csrf" value="tok-123"/g)).toHaveLength(3);
    expect(page.match(/name="back" value="list"/g)).toHaveLength(3);
  });

  test('descriptions and notes are text', () => {
    expect(page).toContain(`nightly ${ESCAPED}`);
    expect(page).toContain(`disk full ${ESCAPED}`);
    expect(page).not.toContain(EVIL);
    expectNoActiveMarkup(page);
  });

  test('a hostile task name stays text, and one path segment in links', () => {
    const name = `x"><img src=y onerror=alert(1)>/..`;
    const hostile = renderTaskListPage({
      tasks: [taskView({ name })],
      recentRuns: new Map(),
      now: NOW,
      csrfToken: TOKEN,
    });
    expect(hostile).toContain('href="/tasks/x%22%3E%3Cimg%20src%3Dy%20onerror%3Dalert(1)%3E%2F..">');
    expect(hostile).toContain('<strong>x&quot;&gt;&lt;img src=y onerror=alert(1)&gt;/..</strong>');
    expectNoActiveMarkup(hostile);
  });

  test('no tasks: says so', () => {
    const empty = renderTaskListPage({ tasks: [], recentRuns: new Map(), now: NOW, csrfToken: TOKEN });
    expect(empty).toContain('no tasks (the tasks file has none)');
  });
});

describe('task page', () => {
  const task = taskView({
    name: 'deploy',
    state: 'held',
    held: true,
    holdNote: `waiting ${EVIL}`,
    heldAt: '2026-03-01T11:00:00.000Z',
  });
  const runs = [runView({ id: 9, task: 'deploy', outcome: 'succeeded' })];
  const show = showResult(
    task,
    { env: { REGION: 'eu', TOKEN: 'hunter2' }, secretEnv: ['TOKEN'] },
    { recentRuns: runs, stats: { succeeded: 1, failed: 0, successRate: 1 } },
  );
  const page = squash(renderTaskPage({ show, runs, now: NOW, csrfToken: TOKEN }));

  test("show's facts: state, held with its note, schedule, options, success rate", () => {
    expect(page).toContain('<dt>state</dt><dd class="warn">held</dd>');
    expect(page).toContain(`<dt>held</dt><dd>since 2026-03-01 11:00:00 +00:00: waiting ${ESCAPED}</dd>`);
    expect(page).toContain('<dt>success</dt><dd>100% (1 of 1 kept run succeeded)</dd>');
    expect(page).toContain('<dt>action</dt><dd><code>/bin/sh -c &quot;true&quot;</code></dd>');
    expect(page).toContain(
      '2026-03-01 12:05:00 +00:00 <span class="muted">in 5m</span> <span class="warn">held</span>',
    );
  });

  test('secret env values are (secret), others shown', () => {
    expect(page).toContain('<code>REGION=eu</code>');
    expect(page).toContain('<code>TOKEN=(secret)</code>');
    expect(page).not.toContain('hunter2');
  });

  test('buttons: run-now, resume (held), hold with note and duration; history links each run', () => {
    for (const action of ['run-now', 'resume', 'hold'])
      expect(page).toContain(`method="post" action="/tasks/deploy/${action}"`);
    expect(page).toContain('name="note"');
    expect(page).toContain('name="for"');
    expect(page).toContain('<a href="/tasks/deploy/runs/9">#9</a>');
    expectNoActiveMarkup(page);
  });

  test('not held: no resume button', () => {
    const free = renderTaskPage({
      show: showResult(taskView({ name: 'deploy' })),
      runs: [],
      now: NOW,
      csrfToken: TOKEN,
    });
    expect(free).not.toContain('/resume');
    expect(free).toContain('no runs yet');
  });
});

describe('run page and output', () => {
  test('a run printing a script shows it as text in a <pre>', () => {
    const output = `${EVIL}\n`;
    const page = renderRunPage({
      run: runView({
        id: 4,
        task: 'evil',
        outputBytes: output.length,
        output,
        outputBase64: Buffer.from(output).toString('base64'),
      }),
      timezone: 'UTC',
    });
    expect(page).toContain(`<pre class="output">${ESCAPED}\n</pre>`);
    expect(page).toContain('<h1>evil #4</h1>');
    expectNoActiveMarkup(page);
  });

  test('terminal sequences are taken out; other control characters are shown as escapes', () => {
    expect(stripTerminalSequences('\u001b[1;31mred\u001b[0m \u001b]0;title\u0007ok\r\n')).toBe('red ok\n');
    expect(stripTerminalSequences('\u009b2Jcleared \u001b]8;;http://x\u001b\\link')).toBe('cleared link');
    const shown = renderOutput({ outputBase64: Buffer.from('a\u001b[31m<b>\u0000\u001b\r').toString('base64') });
    expect(shown.markup.toString()).toBe('a&lt;b&gt;\\x00\\x1b\\r');
  });

  test('bytes that are not UTF-8 are replaced, and only the last MiB is shown', () => {
    const bytes = Buffer.concat([Buffer.from([0xff]), Buffer.alloc(MAX_SHOWN_BYTES + 10, 'x')]);
    const shown = renderOutput({ outputBase64: bytes.toString('base64') });
    expect(shown.cutBytes).toBe(11);
    expect(shown.markup.toString()).toBe('x'.repeat(MAX_SHOWN_BYTES));
    expect(renderOutput({ outputBase64: Buffer.from([0xff, 0x41]).toString('base64') }).markup.toString()).toBe(
      '\ufffdA',
    );
  });
});

describe('graph', () => {
  test('edges in words, lone tasks apart, the DOT source escaped', () => {
    const raw = renderGraphPage({
      nodes: [
        {
          name: 'extract',
          description: EVIL,
          schedule: 'daily at 02:00',
          last: { status: 'succeeded', outcome: 'succeeded' },
        },
        { name: 'transform', description: '', schedule: 'after extract', last: null },
        { name: 'lonely', description: '', schedule: 'every 1h', last: null },
      ],
      edges: [{ from: 'extract', to: 'transform', kind: 'after' }],
    });
    const page = squash(raw);
    expect(raw).toContain('digraph &quot;taskkit&quot; {\n');
    expect(page).toMatch(
      /<li><a class="ok" href="\/tasks\/extract"[^>]*>extract<\/a> → <a class="idle" href="\/tasks\/transform"/,
    );
    expect(page).toContain('<span class="muted">(after)</span>');
    expect(page).toContain('Tasks with no dependency');
    expect(page).not.toContain(EVIL);
    expectNoActiveMarkup(page);
  });
});

describe('assets', () => {
  test('served by hashed paths; the layout links exactly those', () => {
    expect([...PAGE_ASSETS.keys()]).toEqual([STYLE_ASSET.path, LIVE_ASSET.path]);
    const page = renderTaskListPage({ tasks: [], recentRuns: new Map(), now: NOW, csrfToken: TOKEN });
    const links = startTags(page).filter(([name]) => name === 'link' || name === 'script');
    expect(links.map(([name]) => name)).toEqual(['link', 'script']);
    expect(page).toContain(`<link rel="stylesheet" href="${STYLE_ASSET.path}"`);
    expect(page).toContain('<noscript><meta http-equiv="refresh" content="30"');
  });
});

describe('paging', () => {
  test('a page of 100 rows, the counts of all tasks, links to the pages around', () => {
    const tasks = Array.from({ length: 250 }, (_, index) => taskView({ name: `t${index}` }));
    const page = squash(renderTaskListPage({ tasks, page: 2, recentRuns: new Map(), now: NOW, csrfToken: TOKEN }));
    const rows = [...page.matchAll(/<tr data-task="(t\d+)">/g)].map((match) => match[1]);
    expect([rows.length, rows[0], rows.at(-1)]).toEqual([100, 't100', 't199']);
    expect(page).toContain('250 tasks: 0 failing');
    expect(page).toContain(
      'tasks 101–200 of 250 · <a href="/?page=1" rel="prev">‹ previous</a> · <a href="/?page=3" rel="next">next ›</a>',
    );
  });

  test('a page past the last shows the last; a bad number the first', () => {
    expect(pageOf([1, 2, 3], 9, 2)).toEqual({ items: [3], page: 2, pages: 2, first: 2, total: 3 });
    expect(readPageNumber(new URLSearchParams('page=0'))).toBe(1);
    expect(readPageNumber(new URLSearchParams('page=-1'))).toBe(1);
    expect(readPageNumber(new URLSearchParams('page=3'))).toBe(3);
    expect(pageOf([], 1)).toEqual({ items: [], page: 1, pages: 1, first: 0, total: 0 });
  });
});
