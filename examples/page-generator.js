/**
 * TaskKit's page-generator example, as a taskkit module task: a periodic task that regenerates a
 * static HTML page, here <args.dir>/index.html with the time of the run.
 * The page is written to a temporary file in the same folder and renamed over the old one, so a
 * web server never serves a half-written page (rename within a folder is atomic).
 *
 * tasks.yaml:  module: ./page-generator.js   args: { dir: ./out/site, title: My site }
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// `cwd:` does not apply to a worker thread: relative paths in args are taken from this file's folder.
const HERE = dirname(fileURLToPath(import.meta.url));

/** @param {import('taskkit').TaskContext<{ dir: string, title?: string }>} ctx */
export default async function generatePage(ctx) {
  if (typeof ctx.args?.dir !== 'string')
    throw new TypeError('page-generator: args.dir (the folder to write index.html into) is required');
  const dir = resolve(HERE, ctx.args.dir);
  // The scheduled instant, so a late run still shows the time it stands for; now for a manual run.
  const at = new Date(ctx.scheduledAt ?? Date.now()).toISOString();
  const page = join(dir, 'index.html');
  const temporary = join(dir, `.index.html.${ctx.runId}.tmp`);
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(temporary, renderPage(ctx.args.title ?? 'taskkit', at, ctx.name, ctx.runId));
    await rename(temporary, page);
  } finally {
    await rm(temporary, { force: true });
  }
  ctx.log(`wrote ${page} (${at})`);
  return { page, generatedAt: at };
}

/**
 * @param {string} title
 * @param {string} at
 * @param {string} task
 * @param {number} runId
 */
function renderPage(title, at, task, runId) {
  return [
    '<!doctype html>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>Generated at <time datetime="${at}">${at}</time> by task ${escapeHtml(task)}, run ${runId}.</p>`,
    '',
  ].join('\n');
}

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
