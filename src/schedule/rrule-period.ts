/**
 * The expansion of python-dateutil's `rrule._iter` (v2.9), period by period, in floating wall
 * time: a period is one year, month, week (from WKST; the first one runs from DTSTART's day),
 * day, hour, minute or second, and every INTERVAL-th one from DTSTART's is visited. Unlike
 * dateutil, the expansion can start at any period (seek): the period holding a wall time is
 * found by arithmetic that keeps INTERVAL's phase, so next() never replays the years since
 * DTSTART. Wall times are ms on the local axis (zoned.ts wallToLocalMs).
 */
import { civilFromDays, DAY_MS, type CivilDate } from './calendar.js';
import { DAILY, HOURLY, MINUTELY, MONTHLY, WEEKLY, YEARLY, type RrulePlan } from './rrule-plan.js';
import { YearInfo } from './rrule-year.js';

/** dateutil's datetime.MAXYEAR: the expansion ends with year 9999. */
const MAX_YEAR = 9999;

/**
 * How many periods in a row may pass without an occurrence before the rule counts as ended.
 * The Gregorian calendar repeats every 400 years (146,097 days, exactly 20,871 weeks), so a
 * YEARLY..DAILY rule that matched nothing in 400 years of its periods, whatever INTERVAL, never
 * matches again (BYMONTH=2;BYMONTHDAY=30); one period more covers DTSTART's partial one.
 */
const EMPTY_PERIODS_CAP = [401, 4801, 20_872, 146_098];

/**
 * Sub-daily rules skip whole days, hours and minutes that cannot match, and give up after 400
 * years of wall time or this many visited periods, whichever comes first. A rule whose steps
 * never reach an allowed time of day is found empty beforehand (rrule-plan.ts timeReachable);
 * the rest find their next occurrence within a few thousand visits at most, so this is a bound.
 */
const SUB_DAILY_VISITS_CAP = 2_000_000;
const FOUR_HUNDRED_YEARS_S = 146_097 * 86_400;
const UNIT_SECONDS = [0, 0, 0, 0, 3600, 60, 1];

/** A cursor over a rule's periods. */
export class RruleExpander {
  private readonly info: YearInfo;
  private readonly civil: CivilDate = { year: 0, month: 0, day: 0 };
  private readonly days: number[] = [];
  /** YEARLY..DAILY: the index of the period (0 = DTSTART's). */
  private period = 0;
  /** HOURLY..SECONDLY: the period's start, in wall seconds since 1970-01-01. */
  private second = 0;
  private readonly firstSecond: number;
  private readonly step: number;
  /** The first day of the WKST-aligned week holding DTSTART (WEEKLY). */
  private readonly firstWeekDay: number;

  constructor(private readonly plan: RrulePlan) {
    this.info = new YearInfo(plan);
    const unit = UNIT_SECONDS[plan.freq] ?? 0;
    this.firstSecond = unit === 0 ? 0 : Math.floor(plan.startMs / 1000 / unit) * unit;
    this.step = unit * plan.interval;
    this.firstWeekDay = plan.startDay - ((plan.startWeekday - plan.wkst + 7) % 7);
    this.seek(-Infinity);
  }

  /** Go to the period holding wall time `wall` (DTSTART's when `wall` is before it). */
  seek(wall: number): void {
    const { plan } = this;
    const { freq, interval } = plan;
    if (wall <= plan.startMs) {
      this.period = 0;
      this.second = this.firstSecond;
      return;
    }
    if (freq >= HOURLY) {
      this.second = this.firstSecond + Math.floor((Math.floor(wall / 1000) - this.firstSecond) / this.step) * this.step;
      return;
    }
    const day = Math.floor(wall / DAY_MS);
    const { year, month } = civilFromDays(day, this.civil);
    const elapsed =
      freq === YEARLY
        ? year - plan.startYear
        : freq === MONTHLY
          ? (year - plan.startYear) * 12 + month - plan.startMonth
          : freq === WEEKLY
            ? Math.floor((day - this.firstWeekDay) / 7)
            : day - plan.startDay;
    this.period = Math.floor(elapsed / interval);
  }

  /**
   * Fill `out` with the wall times of the next period that has any (ascending, none before
   * DTSTART) and move past it; false when the rule has ended (year 9999, or the scan cap).
   */
  next(out: number[]): boolean {
    out.length = 0;
    if (this.plan.empty) return false;
    return this.plan.freq >= HOURLY ? this.nextSubDaily(out) : this.nextCoarse(out);
  }

  private nextCoarse(out: number[]): boolean {
    const cap = EMPTY_PERIODS_CAP[this.plan.freq] ?? 0;
    for (let empty = 0; empty < cap; empty++) {
      if (!this.loadPeriod()) return false;
      this.period++;
      this.collect(this.plan.times, 0, out);
      if (out.length > 0) return true;
    }
    return false;
  }

  /** Rebuild the year's masks for the current period and list its days in `this.days`; false past 9999. */
  private loadPeriod(): boolean {
    const { plan, info, days } = this;
    const { freq, interval } = plan;
    days.length = 0;
    let year: number, month: number, from: number, to: number;
    if (freq === YEARLY || freq === MONTHLY) {
      const months = freq === YEARLY ? this.period * interval * 12 : this.period * interval;
      const index = plan.startYear * 12 + plan.startMonth - 1 + months;
      year = Math.floor(index / 12);
      month = (index % 12) + 1;
      if (year > MAX_YEAR) return false;
      info.rebuild(year, month);
      const starts = info.tables.monthStart;
      [from, to] = freq === YEARLY ? [0, info.yearLength] : [starts[month - 1] as number, starts[month] as number];
    } else {
      const first =
        freq === DAILY
          ? plan.startDay + this.period * interval
          : this.period === 0
            ? plan.startDay
            : this.firstWeekDay + this.period * interval * 7;
      ({ year, month } = civilFromDays(first, this.civil));
      if (year > MAX_YEAR) return false;
      info.rebuild(year, month);
      from = first - info.firstDay;
      to = from + 1;
      // A week runs to the day before the next WKST, across the year's end if need be.
      if (freq === WEEKLY) while (to - from < 7 && info.weekday(to) !== plan.wkst) to++;
    }
    for (let i = from; i < to; i++) if (info.dayMatches(i)) days.push(i);
    return true;
  }

  /**
   * The period's wall times: each matching day at each time (seconds from the day's start plus
   * `base`), or only BYSETPOS's picks of that list; those before DTSTART are left out.
   */
  private collect(times: readonly number[], base: number, out: number[]): void {
    const { plan, days, info } = this;
    const at = (i: number, time: number): number => (info.firstDay + i) * DAY_MS + (base + time) * 1000;
    const setPos = plan.bySetPos;
    if (setPos === null || times.length === 0) {
      for (const i of days) for (const time of times) pushFrom(out, at(i, time), plan.startMs);
      return;
    }
    const n = times.length;
    for (const pos of setPos) {
      const index = pos < 0 ? pos : pos - 1;
      let dayPos = Math.floor(index / n);
      const timePos = index - dayPos * n;
      if (dayPos < 0) dayPos += days.length;
      const day = days[dayPos];
      if (day === undefined || dayPos < 0) continue;
      const wall = at(day, times[timePos] as number);
      if (!out.includes(wall)) out.push(wall);
    }
    out.sort((a, b) => a - b);
    let kept = 0;
    for (const wall of out) if (wall >= plan.startMs) out[kept++] = wall;
    out.length = kept;
  }

  private nextSubDaily(out: number[]): boolean {
    const { plan, info, days, step } = this;
    const limit = this.second + FOUR_HUNDRED_YEARS_S;
    for (let visits = 0; visits < SUB_DAILY_VISITS_CAP && this.second <= limit; visits++) {
      const second = this.second;
      const day = Math.floor(second / 86_400);
      const { year, month } = civilFromDays(day, this.civil);
      if (year > MAX_YEAR) return false;
      info.rebuild(year, month);
      const secondOfDay = second - day * 86_400;
      const hour = Math.floor(secondOfDay / 3600);
      const minute = Math.floor(secondOfDay / 60) % 60;
      // Skip to the first period of the next day, hour or minute that can match.
      if (!info.dayMatches(day - info.firstDay)) this.skipTo((day + 1) * 86_400);
      else if (plan.byHour !== null && plan.byHour[hour] !== 1) this.skipTo(second - (secondOfDay % 3600) + 3600);
      else if (plan.freq > MINUTELY && plan.byMinute !== null && plan.byMinute[minute] !== 1)
        this.skipTo(second - (secondOfDay % 60) + 60);
      else {
        this.second += step;
        if (plan.freq === MINUTELY && plan.byMinute !== null && plan.byMinute[minute] !== 1) continue;
        if (plan.freq > MINUTELY && plan.bySecond !== null && plan.bySecond[secondOfDay % 60] !== 1) continue;
        days.length = 0;
        days.push(day - info.firstDay);
        this.collect(plan.times, secondOfDay, out);
        if (out.length > 0) return true;
      }
    }
    return false;
  }

  /** Move to the first visited period at or after wall second `second`. */
  private skipTo(second: number): void {
    const { step, firstSecond } = this;
    this.second = firstSecond + Math.ceil((second - firstSecond) / step) * step;
  }
}

function pushFrom(out: number[], wall: number, start: number): void {
  if (wall >= start) out.push(wall);
}
