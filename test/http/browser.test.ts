/**
 * The status page in a real headless Chromium (Debian's, driven by playwright-core) against a real
 * daemon started through bin/taskkit: the list shows the tasks; run-now starts a run that then
 * appears in the history (the page reloads itself on the daemon's events); hold with a note shows
 * held and the note; resume; a task printing a script tag shows it as text on its run page and no
 * dialog opens; the pages read the same with JavaScript off; a POST from another site is refused.
 * One browser and one daemon for the whole file (Chromium takes seconds to start on 2 cores).
 * A screenshot of the list is saved under out/ (git ignores it) and its path printed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanUpDaemons, daemonTasks, makeDaemonDir, startDetached } from '../e2e/_daemon.js';
import { freePort } from '../e2e/_http.js';
import { isAlive, waitUntil } from '../support/process-state.js';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SCREENSHOT = fileURLToPath(new URL('../../out/status-page/list.png', import.meta.url));
const EVIL = '<script>alert(1)</script>';

if (!HAS_CHROMIUM)
  console.warn(`[browser] ${CHROMIUM} is missing (apt install chromium): the page's browser tests are skipped`);

describe.skipIf(!HAS_CHROMIUM)('status page in Chromium', { timeout: 30_000 }, () => {
  let server: BrowserServer;
  let browser: Browser;
  let base = '';
  let page: Page;
  const dialogs: string[] = [];
  const cspErrors: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const d = makeDaemonDir();
    d.writeTasks(
      daemonTasks(
        [
          '  hello: { every: 1h, run: "echo hello", description: "says hello" }',
          `  evil: { run: "printf '%s\\\\n' '${EVIL}'" }`,
          '  broken: { run: "exit 3", description: "always fails" }',
        ],
        [`  http: 127.0.0.1:${port}`],
      ),
    );
    const launched = Promise.all([
      startDetached(d),
      chromium.launchServer({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ]);
    server = (await launched)[1];
    browser = await chromium.connect(server.wsEndpoint());
    page = await browser.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
    });
  }, 30_000);

  afterAll(async () => {
    const pid = server?.process().pid;
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    // Chromium leads its own process group (renderers, GPU, zygote): nothing of it may outlive the file.
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone already
      }
      await waitUntil(() => !isAlive(pid), 5_000, `chromium ${pid} to be gone`);
    }
    await cleanUpDaemons();
  });

  const rowOf = (name: string) => page.locator(`tr[data-task="${name}"]`);

  test('the list shows every task', async () => {
    const response = await page.goto(`${base}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect.poll(() => page.locator('tr[data-task]').count()).toBe(3);
    expect(await rowOf('hello').locator('td').nth(0).innerText()).toBe('hello\nsays hello');
    expect(await rowOf('hello').locator('td').nth(2).innerText()).toBe('every 1h');
    expect(await rowOf('evil').locator('td').nth(2).innerText()).toBe('on demand');
  });

  test('run-now starts a run that then appears in the history, without a manual reload', async () => {
    await page.goto(`${base}/tasks/hello`);
    await page.getByRole('button', { name: 'Run now' }).click();
    // The flash line, not the address: the live script takes the flash query off it at once.
    const flash = await page.locator('.flash').innerText();
    const runId = /run #(\d+) started/.exec(flash)?.[1];
    expect(runId).toBeDefined();
    // The run ends; the daemon's events reload the page (assets.ts LIVE), and the history has it.
    const row = page.locator('table.runs tr', { has: page.locator(`a[href$="/runs/${runId}"]`) });
    await expect.poll(() => row.locator('td').last().textContent(), { timeout: 10_000 }).toBe('succeeded');
    expect(await row.locator('td').nth(1).innerText()).toBe('manual');
    // The live script took the flash off the address, so that reload said it once.
    expect(new URL(page.url()).search).toBe('');
  });

  test('hold with a note and a duration shows held and the note; resume', async () => {
    await page.goto(`${base}/tasks/hello`);
    await page.getByLabel('Note').fill('disk <b>full</b>');
    await page.getByLabel('For').fill('2h');
    await page.getByRole('button', { name: 'Hold' }).click();
    expect(await page.locator('.flash').innerText()).toBe('hello is held');
    const facts = page.locator('dl.facts');
    expect(await facts.locator('dt:text-is("state") + dd').innerText()).toMatch(/^held until /);
    expect(await facts.locator('dt:text-is("held") + dd').innerText()).toMatch(/: disk <b>full<\/b>$/);
    await page.goto(`${base}/`);
    expect(await rowOf('hello').locator('td').nth(1).innerText()).toMatch(/^held until .*\ndisk <b>full<\/b>$/);
    await rowOf('hello').getByRole('button', { name: 'Resume' }).click();
    expect(await page.locator('.flash').innerText()).toBe('hello resumed');
    expect(await rowOf('hello').locator('td').nth(1).innerText()).toBe('scheduled');
  });

  test("a task's output is text: a script it prints shows as written, and runs nothing", async () => {
    await page.goto(`${base}/`);
    await rowOf('evil').getByRole('button', { name: 'Run now' }).click();
    expect(await page.locator('.flash').innerText()).toMatch(/^evil: run #\d+ started$/);
    const cell = rowOf('evil').locator('.strip a.cell.ok');
    await expect.poll(() => cell.count(), { timeout: 10_000 }).toBe(1);
    await cell.click();
    await page.waitForURL(/\/tasks\/evil\/runs\/\d+$/);
    expect(await page.locator('pre.output').textContent()).toBe(`${EVIL}\n`);
    expect(await page.locator('main script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(cspErrors).toEqual([]);
  });

  test('with JavaScript off the pages read the same', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const plain = await context.newPage();
      await plain.goto(`${base}/`);
      expect(await plain.locator('tr[data-task]').count()).toBe(3);
      await plain.locator('tr[data-task="evil"] .strip a').last().click();
      expect(await plain.locator('pre.output').textContent()).toBe(`${EVIL}\n`);
      await plain.goto(`${base}/graph`);
      expect(await plain.locator('h1').innerText()).toBe('Dependency graph');
    } finally {
      await context.close();
    }
  });

  test('a form on another site cannot hold a task', async () => {
    const context = await browser.newContext();
    try {
      const other = await context.newPage();
      // A page of another origin that posts a hold form to the daemon as soon as it loads.
      await other.route('http://elsewhere.test/', (route) =>
        route.fulfill({
          contentType: 'text/html',
          body:
            `<form method="post" action="${base}/tasks/hello/hold"><input name="note" value="forged">` +
            '<input name="csrf" value="guess"></form><script>document.forms[0].submit()</script>',
        }),
      );
      const answered = other.waitForResponse((response) => response.url() === `${base}/tasks/hello/hold`);
      await other.goto('http://elsewhere.test/');
      expect((await answered).status()).toBe(403);
    } finally {
      await context.close();
    }
    await page.goto(`${base}/tasks/hello`);
    expect(await page.locator('dl.facts dt:text-is("state") + dd').innerText()).toBe('scheduled');
  });

  test('a failed run shows red; the screenshot of the list is saved', async () => {
    await page.goto(`${base}/`);
    await rowOf('broken').getByRole('button', { name: 'Run now' }).click();
    expect(await page.locator('.flash').innerText()).toMatch(/^broken: run #\d+ started$/);
    const last = rowOf('broken').locator('td').nth(4);
    await expect.poll(() => last.getAttribute('class'), { timeout: 10_000 }).toBe('bad');
    expect(await last.innerText()).toMatch(/^exited with code 3, /);
    expect(await rowOf('hello').locator('td').nth(4).getAttribute('class')).toBe('ok');
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`[browser] screenshot of the task list: ${SCREENSHOT}`);
  });
});
