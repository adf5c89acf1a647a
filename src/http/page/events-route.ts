/**
 * `/events`: server-sent events that tell an open page to reload (assets.ts LIVE). It opens with the
 * version of the task list (version.ts), which the page compares with its own; then the engine's
 * events are coalesced into at most one `change` a second per page, a comment every 25 s keeps
 * proxies from closing an idle stream, and at most MAX_LIVE_PAGES streams are open at once (one
 * more gets 503: the page's <noscript>-style fallback is a manual reload). Everything a stream
 * holds (listeners, timers) is released when its client goes, reads too slowly, or the listener
 * closes (the sink's signal).
 */
import type { EngineEventName } from '../../engine/events.js';
import { text, type Route, type StreamSink } from '../route.js';
import { pageVersion } from './version.js';

/** Live pages at once, per listener. */
export const MAX_LIVE_PAGES = 32;
/** At most one `change` event per page this often. */
export const CHANGE_INTERVAL_MS = 1_000;
export const KEEPALIVE_MS = 25_000;

/** What makes a page out of date: a task's state, a run beginning or ending. */
const WATCHED: readonly EngineEventName[] = ['task-changed', 'run-started', 'run-finished', 'run-skipped'];

/** The route, with its own count of open streams. */
export function createEventsRoute(maxPages = MAX_LIVE_PAGES): Route & { open(): number } {
  let open = 0;
  return {
    method: 'GET',
    path: '/events',
    open: () => open,
    handler: (_request, services) => {
      if (open >= maxPages) return text(`too many live pages open (${maxPages}); reload by hand`, 503);
      return {
        status: 200,
        contentType: 'text/event-stream; charset=utf-8',
        stream: (sink: StreamSink) => {
          open++;
          let pending: NodeJS.Timeout | null = null;
          let closed = false;
          const close = (): void => {
            if (closed) return;
            closed = true;
            open--;
            for (const stop of unsubscribe) stop();
            if (pending !== null) clearTimeout(pending);
            clearInterval(keepalive);
            sink.end();
          };
          const send = (chunk: string): void => {
            if (!sink.write(chunk)) close();
          };
          const changed = (): void => {
            if (pending !== null || closed) return;
            pending = setTimeout(() => {
              pending = null;
              send('event: change\ndata: {}\n\n');
            }, CHANGE_INTERVAL_MS);
          };
          const unsubscribe = WATCHED.map((event) => services.on(event, changed));
          const keepalive = setInterval(() => send(': keepalive\n\n'), KEEPALIVE_MS);
          keepalive.unref();
          sink.signal.addEventListener('abort', close, { once: true });
          // After a lost stream, EventSource reconnects after `retry` ms (its own default is shorter).
          send('retry: 3000\n\n');
          if (sink.signal.aborted) close();
          // Subscribed first, then read: a change in between is either in the version or an event.
          void services
            .call('list', {})
            .then((tasks) => {
              if (!closed) send(`event: version\ndata: ${JSON.stringify(pageVersion(tasks))}\n\n`);
            })
            .catch(() => close());
        },
      };
    },
  };
}
