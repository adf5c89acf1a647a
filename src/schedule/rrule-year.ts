/**
 * python-dateutil's `_iterinfo` (rrule.py v2.9): the per-year masks an rrule's days are filtered
 * through, indexed by the day of the year (0 = January 1st). Every mask runs 7 days past the
 * year's end, as dateutil's do, for weekly periods that cross into January; those extra days
 * read as dateutil reads them (month 1, month days 1..7 and -31..-25, this year's week numbers).
 */
import { daysFromCivil, isLeapYear, weekdayOfDays } from './calendar.js';
import { mod, monthDayIndex, MONTHLY, YEARLY, yearDayIndex, type RrulePlan } from './rrule-plan.js';

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface YearTables {
  /** Month (1-12) of each day. */
  readonly month: Uint8Array;
  /** Day of the month, and the same counted from the month's end (-1 = last day). */
  readonly monthDay: Int8Array;
  readonly negativeMonthDay: Int8Array;
  /** The day of the year each month starts at, and the year's length at index 12. */
  readonly monthStart: readonly number[];
}

function buildTables(leap: boolean): YearTables {
  const lengths = MONTH_LENGTHS.map((days, i) => (i === 1 && leap ? 29 : days));
  const size = (leap ? 366 : 365) + 7;
  const month = new Uint8Array(size);
  const monthDay = new Int8Array(size);
  const negativeMonthDay = new Int8Array(size);
  const monthStart = [0];
  let i = 0;
  lengths.forEach((days, m) => {
    for (let d = 1; d <= days; d++, i++) {
      month[i] = m + 1;
      monthDay[i] = d;
      negativeMonthDay[i] = d - days - 1;
    }
    monthStart.push(i);
  });
  for (let d = 1; d <= 7; d++, i++) {
    month[i] = 1;
    monthDay[i] = d;
    negativeMonthDay[i] = d - 32;
  }
  return { month, monthDay, negativeMonthDay, monthStart };
}

const COMMON = buildTables(false);
const LEAP = buildTables(true);

/** The masks of one year (and, for ordinal BYDAY with MONTHLY, one month), rebuilt as the expansion moves. */
export class YearInfo {
  year = Number.NaN;
  month = Number.NaN;
  yearLength = 365;
  nextYearLength = 365;
  /** Day number (days since 1970-01-01) of January 1st. */
  firstDay = 0;
  /** Weekday of January 1st, 0 = Monday. */
  firstWeekday = 0;
  tables: YearTables = COMMON;
  /** BYWEEKNO: 1 for the days of the listed weeks. */
  weekNoMask: Uint8Array | null = null;
  /** Ordinal BYDAY: 1 for the days it names, within the year or the month. */
  ordinalMask: Uint8Array | null = null;

  constructor(private readonly plan: RrulePlan) {}

  /** Weekday (0 = Monday) of day `i` of the year; any i, past the year's end too. */
  weekday(i: number): number {
    return (this.firstWeekday + i) % 7;
  }

  /** Day i of the year passes every day-level part of the rule (dateutil's `_iter` filter). */
  dayMatches(i: number): boolean {
    const plan = this.plan;
    const { tables } = this;
    if (plan.byMonth !== null && plan.byMonth[tables.month[i] as number] !== 1) return false;
    if (this.weekNoMask !== null && this.weekNoMask[i] !== 1) return false;
    if (plan.byWeekday !== null && plan.byWeekday[this.weekday(i)] !== 1) return false;
    if (this.ordinalMask !== null && this.ordinalMask[i] !== 1) return false;
    if (
      plan.byMonthDay !== null &&
      plan.byMonthDay[tables.monthDay[i] as number] !== 1 &&
      plan.byMonthDay[monthDayIndex(tables.negativeMonthDay[i] as number)] !== 1
    )
      return false;
    if (plan.byYearDay !== null) {
      // Past the year's end (weekly periods into January), the next year's numbering.
      const [day, length] = i < this.yearLength ? [i, this.yearLength] : [i - this.yearLength, this.nextYearLength];
      if (plan.byYearDay[yearDayIndex(day + 1)] !== 1 && plan.byYearDay[yearDayIndex(day - length)] !== 1) return false;
    }
    return true;
  }

  /** dateutil's rebuild(year, month). */
  rebuild(year: number, month: number): void {
    const plan = this.plan;
    if (year !== this.year) {
      const leap = isLeapYear(year);
      this.yearLength = leap ? 366 : 365;
      this.nextYearLength = isLeapYear(year + 1) ? 366 : 365;
      this.firstDay = daysFromCivil(year, 1, 1);
      this.firstWeekday = (weekdayOfDays(this.firstDay) + 6) % 7;
      this.tables = leap ? LEAP : COMMON;
      this.weekNoMask = plan.byWeekNo === null ? null : this.buildWeekNoMask(year, plan.byWeekNo);
    }
    if (plan.byNWeekday !== null && (month !== this.month || year !== this.year))
      this.ordinalMask = this.buildOrdinalMask(month, plan.byNWeekday) ?? this.ordinalMask;
    this.year = year;
    this.month = month;
  }

  /** The BYWEEKNO part of rebuild(), line for line (ISO-8601 weeks counted from WKST). */
  private buildWeekNoMask(year: number, byWeekNo: readonly number[]): Uint8Array {
    const { wkst } = this.plan;
    const mask = new Uint8Array(this.yearLength + 14);
    const firstWkst = mod(7 - this.firstWeekday + wkst, 7);
    let no1Wkst = firstWkst;
    let weekYearLength: number;
    if (no1Wkst >= 4) {
      no1Wkst = 0;
      // The year's days plus those week 1 takes from the previous year.
      weekYearLength = this.yearLength + mod(this.firstWeekday - wkst, 7);
    } else weekYearLength = this.yearLength - no1Wkst;
    const numWeeks = Math.floor(weekYearLength / 7) + Math.floor((weekYearLength % 7) / 4);
    const markWeek = (from: number): void => {
      let i = from;
      for (let j = 0; j < 7; j++) {
        mask[i] = 1;
        i++;
        if (this.weekday(i) === wkst) break;
      }
    };
    for (let n of byWeekNo) {
      if (n < 0) n += numWeeks + 1;
      if (!(n > 0 && n <= numWeeks)) continue;
      let i: number;
      if (n > 1) {
        i = no1Wkst + (n - 1) * 7;
        if (no1Wkst !== firstWkst) i -= 7 - firstWkst;
      } else i = no1Wkst;
      markWeek(i);
    }
    if (byWeekNo.includes(1)) {
      // Week 1 of next year may start in this year's last days.
      let i = no1Wkst + numWeeks * 7;
      if (no1Wkst !== firstWkst) i -= 7 - firstWkst;
      if (i < this.yearLength) markWeek(i);
    }
    if (no1Wkst !== 0) {
      // The year's first days belong to last year's last week: is that week listed?
      let lastNumWeeks: number;
      if (!byWeekNo.includes(-1)) {
        const lastFirstWeekday = (weekdayOfDays(daysFromCivil(year - 1, 1, 1)) + 6) % 7;
        const lastYearLength = isLeapYear(year - 1) ? 366 : 365;
        if (mod(7 - lastFirstWeekday + wkst, 7) >= 4) {
          lastNumWeeks = 52 + Math.floor(((lastYearLength + mod(lastFirstWeekday - wkst, 7)) % 7) / 4);
        } else lastNumWeeks = 52 + Math.floor(((this.yearLength - no1Wkst) % 7) / 4);
      } else lastNumWeeks = -1;
      if (byWeekNo.includes(lastNumWeeks)) for (let i = 0; i < no1Wkst; i++) mask[i] = 1;
    }
    return mask;
  }

  /** The ordinal BYDAY part of rebuild(): "2TU" within the month (MONTHLY; YEARLY with BYMONTH) or year. */
  private buildOrdinalMask(month: number, byNWeekday: readonly (readonly [number, number])[]): Uint8Array | null {
    const { freq, byMonth } = this.plan;
    const starts = this.tables.monthStart;
    const ranges: [number, number][] = [];
    if (freq === YEARLY) {
      if (byMonth !== null) {
        for (let m = 1; m <= 12; m++) if (byMonth[m] === 1) ranges.push([starts[m - 1] as number, starts[m] as number]);
      } else ranges.push([0, this.yearLength]);
    } else if (freq === MONTHLY) ranges.push([starts[month - 1] as number, starts[month] as number]);
    if (ranges.length === 0) return null;
    const mask = new Uint8Array(this.yearLength);
    for (const [first, end] of ranges) {
      const last = end - 1;
      for (const [weekday, n] of byNWeekday) {
        let i: number;
        if (n < 0) {
          i = last + (n + 1) * 7;
          i -= mod(this.weekday(i) - weekday, 7);
        } else {
          i = first + (n - 1) * 7;
          i += mod(7 - this.weekday(i) + weekday, 7);
        }
        if (first <= i && i <= last) mask[i] = 1;
      }
    }
    return mask;
  }
}
