/**
 * The frame of every page: head (style sheet and live-reload script from the asset routes, a
 * <noscript> refresh so that a browser without JavaScript still sees fresh data), a header with
 * the navigation, the flash message of the last action, then the page's own content.
 */
import { LIVE_ASSET, STYLE_ASSET } from './assets.js';
import { markup, type Html } from './html.js';

/** The message shown once after an action (run-now, hold, resume), green or red. */
export interface Flash {
  readonly text: string;
  readonly failed: boolean;
}

export interface PageFrame {
  readonly title: string;
  readonly body: Html;
  readonly flash?: Flash | null;
  /** "daemon pid 4242" or the like, shown on the right of the header. */
  readonly meta?: string;
  /** version.ts: what the page shows, for the live script to compare with the events stream's. */
  readonly version?: string;
}

/** What every page passes on to its frame besides its title and body. */
export type FrameExtras = Pick<PageFrame, 'flash' | 'meta' | 'version'>;

/** The extras that are set (exactOptionalPropertyTypes: an absent key is not an undefined one). */
export function frameExtras(page: FrameExtras): FrameExtras {
  return {
    ...(page.flash === undefined ? {} : { flash: page.flash }),
    ...(page.meta === undefined ? {} : { meta: page.meta }),
    ...(page.version === undefined ? {} : { version: page.version }),
  };
}

/** Without JavaScript the page reloads itself this often (seconds). */
export const NOSCRIPT_REFRESH_SECONDS = 30;

function renderFlash(flash: Flash | null): Html | null {
  if (flash === null) return null;
  return markup`<p class="flash${flash.failed ? ' bad' : ''}" role="status">${flash.text}</p>`;
}

/** A whole HTML document. */
export function renderLayout(frame: PageFrame): string {
  const flash = frame.flash ?? null;
  return markup`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${frame.title} · taskkit</title>
        <link rel="stylesheet" href="${STYLE_ASSET.path}" />
        <script src="${LIVE_ASSET.path}" defer></script>
        <noscript><meta http-equiv="refresh" content="${NOSCRIPT_REFRESH_SECONDS}" /></noscript>
      </head>
      <body${frame.version === undefined ? null : markup` data-version="${frame.version}"`}>
        <header>
          <a class="brand" href="/">taskkit</a>
          <nav><a href="/">Tasks</a> · <a href="/graph">Graph</a></nav>
          ${frame.meta === undefined ? null : markup`<span class="meta">${frame.meta}</span>`}
        </header>
        <main>
          ${renderFlash(flash)}
          ${frame.body}
        </main>
      </body>
    </html>
`.toString();
}
