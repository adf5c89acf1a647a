// describeTaskSchedule remembers its words per schedule object (list words every task at each call, issue 20.3):
// the words must still follow the spec (a dependency start), the default zone, and a new schedule.
import { expect, test } from 'vitest';
import { describeTaskSchedule } from '../../src/control/schedule-words.js';
import { every, makeTask } from '../support/engine-task.js';

test('the same words for the same schedule, new words for another spec, zone or schedule', () => {
  const hourly = makeTask('report', { schedule: every('1h') });
  const words = describeTaskSchedule({ schedule: hourly.schedule, spec: hourly }, 'UTC');
  expect(describeTaskSchedule({ schedule: hourly.schedule, spec: hourly }, 'UTC')).toBe(words);
  expect(words).toMatch(/^every 1h/);
  const berlin = makeTask('report', {
    schedule: every('1h', '2026-01-01T00:00', 'Europe/Berlin'),
    timezone: 'Europe/Berlin',
  });
  expect(describeTaskSchedule({ schedule: berlin.schedule, spec: berlin }, 'UTC')).not.toBe(
    describeTaskSchedule({ schedule: berlin.schedule, spec: berlin }, 'Europe/Berlin'),
  );
  const onDemand = makeTask('load', {});
  const after = { ...onDemand, after: ['extract'] };
  expect(describeTaskSchedule({ schedule: onDemand.schedule, spec: onDemand }, 'UTC')).toBe('on demand');
  // The same schedule object under another spec: the spec's words, not the remembered ones.
  expect(describeTaskSchedule({ schedule: onDemand.schedule, spec: after }, 'UTC')).toBe('after extract');
  expect(describeTaskSchedule({ schedule: every('2h'), spec: hourly }, 'UTC')).toMatch(/^every 2h/);
});

test('a schedule object shared by tasks (the daemon shares equal ones): words per zone, on demand per task', () => {
  const schedule = every('1h');
  const utc = makeTask('a', { schedule });
  const alsoUtc = makeTask('b', { schedule });
  const tokyo = makeTask('c', { schedule, timezone: 'Asia/Tokyo' });
  const words = describeTaskSchedule({ schedule, spec: utc }, 'UTC');
  expect(describeTaskSchedule({ schedule, spec: alsoUtc }, 'UTC')).toBe(words);
  expect(describeTaskSchedule({ schedule, spec: tokyo }, 'UTC')).toBe(
    describeTaskSchedule({ schedule, spec: tokyo }, 'UTC'),
  );
  expect(describeTaskSchedule({ schedule, spec: tokyo }, 'UTC')).not.toBe(words);
  const onDemand = { kind: 'on-demand' } as const;
  const plain = makeTask('d', { schedule: onDemand });
  const dependent = makeTask('e', { schedule: onDemand, after: ['extract'] });
  expect(describeTaskSchedule({ schedule: onDemand, spec: plain }, 'UTC')).toBe('on demand');
  expect(describeTaskSchedule({ schedule: onDemand, spec: dependent }, 'UTC')).toBe('after extract');
});
