/**
 * The cron day forms whose days depend on the month, as Quartz and croner 11 define them:
 * day of month `L` (last day), `L-n` (n days before it), `nW` (the weekday nearest the nth,
 * never leaving the month; no day in a month without an nth), `LW` (the last weekday);
 * day of week `nL` (the last weekday n of the month) and `n#k` (its kth occurrence).
 */

export type DaySpecial =
  | { readonly kind: 'last-day'; readonly before: number }
  | { readonly kind: 'nearest-weekday'; readonly day: number }
  | { readonly kind: 'last-weekday' }
  | { readonly kind: 'last-of-weekday'; readonly weekday: number }
  | { readonly kind: 'nth-weekday'; readonly weekday: number; readonly occurrence: number };

const SUNDAY = 0;
const SATURDAY = 6;

/** Bits (day - 1) of the days the forms select in a month whose 1st falls on `firstWeekday`. */
export function specialDayMask(specials: readonly DaySpecial[], firstWeekday: number, monthDays: number): number {
  let mask = 0;
  for (const special of specials) {
    const day = dayOf(special, firstWeekday, monthDays);
    if (day >= 1 && day <= monthDays) mask |= 1 << (day - 1);
  }
  return mask;
}

/** The day of the month one form selects, or 0 when it selects none this month. */
function dayOf(special: DaySpecial, firstWeekday: number, monthDays: number): number {
  const weekdayOf = (day: number): number => (firstWeekday + day - 1) % 7;
  switch (special.kind) {
    case 'last-day':
      return monthDays - special.before;
    case 'nearest-weekday':
      return special.day > monthDays ? 0 : nearestWeekday(special.day, weekdayOf(special.day), monthDays);
    case 'last-weekday':
      return nearestWeekday(monthDays, weekdayOf(monthDays), monthDays);
    case 'last-of-weekday':
      return monthDays - ((weekdayOf(monthDays) - special.weekday + 7) % 7);
    case 'nth-weekday':
      return ((special.weekday - firstWeekday + 7) % 7) + 7 * (special.occurrence - 1) + 1;
  }
}

/** Saturday moves to Friday and Sunday to Monday, unless that leaves the month (1st, last day). */
function nearestWeekday(day: number, weekday: number, monthDays: number): number {
  if (weekday === SATURDAY) return day === 1 ? 3 : day - 1;
  if (weekday === SUNDAY) return day === monthDays ? day - 2 : day + 1;
  return day;
}
