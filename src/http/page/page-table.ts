/** Every route of the status page, for the listener's table (src/http/routes.ts). */
import type { Route } from '../route.js';
import { ACTION_ROUTES } from './action-routes.js';
import { ASSET_ROUTE } from './asset-route.js';
import { createEventsRoute } from './events-route.js';
import { PAGE_ROUTES } from './page-routes.js';

/** A fresh table: the events route counts its own open streams. */
export function createPageRoutes(): Route[] {
  return [...PAGE_ROUTES, ...ACTION_ROUTES, ASSET_ROUTE, createEventsRoute()];
}
