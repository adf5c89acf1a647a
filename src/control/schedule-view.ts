/** A task's schedule as JSON (`show --json`, the control protocol): instants as ISO strings. */
import { formatTimeOfDay } from '../schedule/describe.js';
import type { ScheduleSpec, WallTime } from '../schedule/types.js';

/** A ScheduleSpec as JSON: instants as ISO strings, times of day as "HH:MM[:SS]". */
export type ScheduleView =
  | { readonly kind: 'every'; readonly periodMs: number; readonly anchor: string; readonly startGiven: boolean }
  | { readonly kind: 'daily'; readonly times: readonly string[] }
  | { readonly kind: 'at'; readonly instants: readonly string[] }
  | { readonly kind: 'cron'; readonly expression: string }
  /** `start` is DTSTART as local wall time "YYYY-MM-DDTHH:MM:SS" in the task's zone. */
  | { readonly kind: 'rrule'; readonly rule: string; readonly start: string }
  | { readonly kind: 'reboot' }
  | { readonly kind: 'on-demand' };

/** A schedule spec as JSON. */
export function toScheduleView(spec: ScheduleSpec): ScheduleView {
  switch (spec.kind) {
    case 'every':
      return {
        kind: 'every',
        periodMs: spec.periodMs,
        anchor: new Date(spec.anchor).toISOString(),
        startGiven: spec.startGiven,
      };
    case 'daily':
      return { kind: 'daily', times: spec.times.map(formatTimeOfDay) };
    case 'at':
      return { kind: 'at', instants: spec.instants.map((at) => new Date(at).toISOString()) };
    case 'cron':
      return { kind: 'cron', expression: spec.expression };
    case 'rrule':
      return { kind: 'rrule', rule: spec.rule, start: formatWall(spec.start) };
    case 'reboot':
    case 'on-demand':
      return { kind: spec.kind };
  }
}

function formatWall(wall: WallTime): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  const date = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
  return `${date}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
}
