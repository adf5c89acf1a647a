/**
 * `{file: holidays.ics}` in a calendar (issue 17.2): the dates of an iCalendar file's ALL-DAY
 * events (DTSTART;VALUE=DATE), parsed with ical.js. A multi-day event covers DTSTART up to its
 * DTEND, which is exclusive (RFC 5545 3.6.1; without DTEND or DURATION, one day). A recurring event
 * (RRULE, RDATE, EXDATE, and overridden occurrences by RECURRENCE-ID) is expanded through the end
 * of the year ICS_HORIZON_YEARS after the file is read, and at most MAX_OCCURRENCES per event: an
 * endless yearly holiday keeps working for ten years without a reload. Timed events are left out
 * (a calendar excludes whole dates). The file is read at start and at every reload; it runs no
 * code, so the trust rule of config/file-trust.ts (who may make the daemon run what) is not its.
 */
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { daysFromCivil } from '../schedule/calendar.js';

/** Recurring all-day events are expanded through the end of the year this many years ahead. */
const ICS_HORIZON_YEARS = 10;
/** A calendar file has no reason to be large; a mistaken path (a log, a binary) should not be read whole. */
const MAX_ICS_BYTES = 16 * 1024 * 1024;
/** Occurrences of one recurring event at most (a daily all-day rule over ten years is 3,653). */
const MAX_OCCURRENCES = 50_000;
/** Days one event covers at most: a DTEND typed as 9999 must not fill memory. */
const MAX_EVENT_DAYS = 3_700;

export type IcsDates =
  | { readonly ok: true; readonly days: readonly number[]; readonly allDayEvents: number }
  | { readonly ok: false; readonly reason: string };

/** Read `file` (absolute) and list the day numbers of its all-day events, ascending, or say why not. */
export function readIcsDates(file: string, now: Date = new Date()): IcsDates {
  let text: string;
  try {
    const buffer = readFileSync(file);
    if (buffer.length > MAX_ICS_BYTES) return { ok: false, reason: 'larger than 16 MiB: is it the right file?' };
    text = buffer.toString('utf8');
  } catch (error) {
    return { ok: false, reason: describeReadError(error) };
  }
  // ical.js meets a file of another kind (a YAML file, a CSV of dates) with a TypeError of its internals.
  if (!/^\uFEFF?\s*BEGIN:(VCALENDAR|VEVENT)\b/i.test(text)) {
    return { ok: false, reason: 'not an iCalendar file: it does not begin with BEGIN:VCALENDAR' };
  }
  let events: ICAL.Event[];
  try {
    events = readEvents(text);
  } catch (error) {
    return { ok: false, reason: `not an iCalendar file ical.js can read: ${errorMessage(error)}` };
  }
  const horizonYear = now.getUTCFullYear() + ICS_HORIZON_YEARS;
  const days = new Set<number>();
  let allDayEvents = 0;
  try {
    for (const event of events) {
      if (!event.startDate.isDate) continue;
      allDayEvents++;
      if (!event.isRecurring()) {
        addSpan(days, event.startDate, event.endDate);
        continue;
      }
      const expansion = event.iterator();
      for (let n = 0, at = expansion.next(); at != null && n < MAX_OCCURRENCES; n++, at = expansion.next()) {
        if (at.year > horizonYear) break;
        // ical.js declares the details with a type its .d.ts does not export.
        const occurrence = event.getOccurrenceDetails(at) as { startDate: ICAL.Time; endDate: ICAL.Time };
        if (occurrence.startDate.isDate) addSpan(days, occurrence.startDate, occurrence.endDate);
      }
    }
  } catch (error) {
    return { ok: false, reason: `cannot expand its events: ${errorMessage(error)}` };
  }
  return { ok: true, days: [...days].sort((a, b) => a - b), allDayEvents };
}

/** The VEVENTs, each recurring one with its overridden occurrences (RECURRENCE-ID) related to it. */
function readEvents(text: string): ICAL.Event[] {
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const components = root.name === 'vevent' ? [root] : root.getAllSubcomponents('vevent');
  const masters = new Map<string, ICAL.Event>();
  const events: ICAL.Event[] = [];
  const exceptions: ICAL.Event[] = [];
  for (const component of components) {
    const event = new ICAL.Event(component);
    if (component.hasProperty('recurrence-id')) exceptions.push(event);
    else {
      events.push(event);
      masters.set(event.uid, event);
    }
  }
  for (const exception of exceptions) {
    const master = masters.get(exception.uid);
    if (master !== undefined) master.relateException(exception);
    else events.push(exception);
  }
  return events;
}

/** The dates from `start` up to `end` (exclusive; at least `start` itself). */
function addSpan(days: Set<number>, start: ICAL.Time, end: ICAL.Time | null | undefined): void {
  const first = daysFromCivil(start.year, start.month, start.day);
  const last = end == null ? first + 1 : daysFromCivil(end.year, end.month, end.day);
  const stop = Math.min(Math.max(first + 1, last), first + MAX_EVENT_DAYS);
  for (let day = first; day < stop; day++) days.add(day);
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EISDIR') return 'is a folder';
  if (code === 'EACCES') return 'permission denied';
  return code ?? errorMessage(error);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
