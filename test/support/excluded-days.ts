/** Excluded dates for engine tests of `except:` calendars, as the config reader hands them over. */
import { daysFromCivil } from '../../src/schedule/calendar.js';

/** Day numbers of the dates from `first` to `last` (YYYY-MM-DD), inclusive. */
export function dates(first: string, last = first): number[] {
  const day = (text: string): number => {
    const [year, month, date] = text.split('-').map(Number) as [number, number, number];
    return daysFromCivil(year, month, date);
  };
  const out: number[] = [];
  for (let at = day(first); at <= day(last); at++) out.push(at);
  return out;
}
