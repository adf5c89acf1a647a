/**
 * The task list in pages of TASKS_PER_PAGE rows: a file of 10,000 tasks with 20 runs each made one
 * page of 37 MB that took 3.6 s to render, the engine's event loop stalled all along. A page of
 * 100 rows renders in tens of milliseconds, and only its tasks' runs are read.
 */
import { markup, type Html } from './html.js';

export const TASKS_PER_PAGE = 100;

export interface PageSlice<T> {
  readonly items: readonly T[];
  /** 1-based, clamped to the pages there are. */
  readonly page: number;
  readonly pages: number;
  /** Index of the first item shown, 0-based. */
  readonly first: number;
  readonly total: number;
}

/** `?page=N` (1-based); anything else is the first page. */
export function readPageNumber(query: URLSearchParams): number {
  const raw = query.get('page') ?? '';
  return /^[1-9]\d{0,6}$/.test(raw) ? Number(raw) : 1;
}

export function pageOf<T>(items: readonly T[], page: number, size = TASKS_PER_PAGE): PageSlice<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const clamped = Math.min(Math.max(1, page), pages);
  const first = (clamped - 1) * size;
  return { items: items.slice(first, first + size), page: clamped, pages, first, total: items.length };
}

/** "tasks 101–200 of 10000 · ‹ previous · next ›"; nothing when one page holds them all. */
export function renderPager(slice: PageSlice<unknown>): Html | null {
  if (slice.pages <= 1) return null;
  const last = slice.first + slice.items.length;
  const previous = slice.page > 1 ? markup` · <a href="/?page=${slice.page - 1}" rel="prev">‹ previous</a>` : null;
  const next = slice.page < slice.pages ? markup` · <a href="/?page=${slice.page + 1}" rel="next">next ›</a>` : null;
  return markup`<p class="pager">tasks ${slice.first + 1}–${last} of ${slice.total}${previous}${next}</p>`;
}
