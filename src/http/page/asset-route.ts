/**
 * `/assets/NAME-HASH.EXT`: the page's style sheet and script, string constants (assets.ts), never
 * a file. The hash in the path changes with the content, so browsers may keep them for good.
 */
import { text, type Route } from '../route.js';
import { PAGE_ASSETS } from './assets.js';

export const ASSET_ROUTE: Route = {
  method: 'GET',
  path: '/assets/:file',
  handler: (request) => {
    const asset = PAGE_ASSETS.get(`/assets/${request.params['file'] ?? ''}`);
    if (asset === undefined) return text('no such asset', 404);
    return {
      status: 200,
      contentType: asset.contentType,
      body: asset.body,
      headers: { 'cache-control': 'public, max-age=31536000, immutable' },
    };
  },
};
