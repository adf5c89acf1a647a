/**
 * The page's two static assets, kept as string constants (no files read from disk, no build
 * step): the style sheet and the small script that reloads the page when the engine reports a
 * change. Each is served at a path carrying a hash of its content, so a browser may cache it for
 * good and a new version is a new URL.
 */
import { createHash } from 'node:crypto';

export interface PageAsset {
  /** Where the page links it: /assets/NAME-HASH.EXT. */
  readonly path: string;
  readonly contentType: string;
  readonly body: string;
}

const STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --idle: #8c959f; --live: #0969da;
  --warn: #9a6700; --line: #d0d7de; --soft: rgba(127,127,127,.08); }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; }
header { display: flex; gap: 1.5em; align-items: baseline; padding: .6em 1.2em; border-bottom: 1px solid var(--line); }
header .brand { font-weight: 700; font-size: 1.1em; text-decoration: none; color: inherit; }
header .meta { margin-left: auto; color: var(--idle); }
main { padding: 1em 1.2em; max-width: 90em; }
h1 { font-size: 1.3em; margin: .2em 0 .6em; } h2 { font-size: 1.1em; margin: 1.4em 0 .5em; }
a { color: var(--live); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: var(--soft); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .idle { color: var(--idle); }
.live { color: var(--live); } .warn { color: var(--warn); }
.strip { display: flex; gap: 2px; align-items: center; }
.cell { display: inline-block; width: 9px; height: 16px; border-radius: 2px; background: var(--idle); }
.cell.ok { background: var(--ok); } .cell.bad { background: var(--bad); } .cell.live { background: var(--live); }
.cell.warn { background: var(--warn); }
.flash { padding: .5em .8em; border: 1px solid var(--line); border-left: 4px solid var(--ok); margin-bottom: 1em; }
.flash.bad { border-left-color: var(--bad); color: inherit; }
.counts, .pager { margin: .4em 0 .8em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25em 1.2em; margin: 0; }
dl.facts dt { color: var(--idle); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
pre.output { background: var(--soft); border: 1px solid var(--line); padding: .8em; overflow: auto;
  white-space: pre-wrap; overflow-wrap: anywhere; max-height: 75vh; }
form.inline { display: inline; }
.actions { display: flex; flex-wrap: wrap; gap: .6em; align-items: end; margin: .6em 0; }
.actions form { display: flex; gap: .4em; align-items: end; }
label { display: flex; flex-direction: column; font-size: .85em; color: var(--idle); }
input[type=text] { font: inherit; padding: .2em .4em; }
button { font: inherit; padding: .2em .7em; cursor: pointer; }
ul.edges { list-style: none; padding: 0; } ul.edges li { padding: .15em 0; }
.muted { color: var(--idle); }
`;

/**
 * Reload the page when the daemon says something changed (server-sent events from /events: a
 * `version` other than the page's own <body data-version>, or a `change`), at
 * most once a second, never while the user types into a form (a filled field waits), nor while
 * the tab is hidden. The flash query (the message after an action, flash.ts) is taken off the address so a
 * reload does not repeat it. Without EventSource, or with JavaScript off, the page's
 * <noscript> refresh takes over.
 */
const LIVE = `(() => {
  const url = new URL(location.href);
  if (url.searchParams.has('flash')) {
    for (const name of ['flash', 'task', 'run', 'error']) url.searchParams.delete(name);
    history.replaceState(null, '', url);
  }
  if (!('EventSource' in window)) return;
  const source = new EventSource('/events');
  let timer = null;
  const typing = () => {
    const active = document.activeElement;
    if (active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) return true;
    return [...document.querySelectorAll('input[type=text]')].some((field) => field.value !== '');
  };
  const reload = () => {
    timer = null;
    if (typing() || document.hidden) { timer = setTimeout(reload, 2000); return; }
    source.close();
    location.reload();
  };
  const soon = () => { if (timer === null) timer = setTimeout(reload, 1000); };
  const rendered = document.body.dataset.version;
  source.addEventListener('version', (event) => { if (JSON.parse(event.data) !== rendered) soon(); });
  source.addEventListener('change', soon);
  window.addEventListener('pagehide', () => source.close());
})();
`;

function asset(name: string, extension: string, contentType: string, body: string): PageAsset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}-${hash}.${extension}`, contentType, body };
}

export const STYLE_ASSET: PageAsset = asset('taskkit', 'css', 'text/css; charset=utf-8', STYLE);
export const LIVE_ASSET: PageAsset = asset('live', 'js', 'text/javascript; charset=utf-8', LIVE);

/** Every asset by its path: what the asset route serves (and nothing else). */
export const PAGE_ASSETS: ReadonlyMap<string, PageAsset> = new Map(
  [STYLE_ASSET, LIVE_ASSET].map((entry) => [entry.path, entry]),
);
