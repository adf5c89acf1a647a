// src/engine/fire-plan.ts (DESIGN.md "Schedule semantics"): the due instant fires once when the
// wake was merely late; instants after it up to now are missed; after a forward clock step,
// instants past `lateBefore` were jumped over and are missed too. The next instant is strictly after now.
import { describe, expect, test } from 'vitest';
import { planFire } from '../../src/engine/fire-plan.js';
import { nextEvery } from '../../src/schedule/every.js';
import { every } from '../support/engine-task.js';

const spec = every('10s', '2027-01-01T00:00');
const next = (after: number): number => nextEvery(spec, after);
const t = (seconds: number): number => Date.parse('2027-01-01T00:00:00Z') + seconds * 1000;

describe('planFire', () => {
  test('on time: fires the instant, nothing missed, next is one period on', () => {
    expect(planFire(next, t(10), t(10), t(10))).toEqual({
      scheduled: t(10),
      missed: { latest: [], more: false },
      upcoming: t(20),
      latest: t(10),
    });
  });

  test('late by 25 s: fires once; the two instants passed meanwhile are missed', () => {
    expect(planFire(next, t(10), t(35), t(35))).toEqual({
      scheduled: t(10),
      missed: { latest: [t(20), t(30)], more: false, range: { after: t(10), upTo: t(35), down: false } },
      upcoming: t(40),
      latest: t(30),
    });
  });

  test('due before a forward step (lateBefore): still fired; the jumped-over ones are missed', () => {
    expect(planFire(next, t(10), t(3_610), t(10))).toMatchObject({
      scheduled: t(10),
      upcoming: t(3_620),
      latest: t(3_610),
    });
  });

  test('due inside the stepped-over span: not fired, missed like the rest', () => {
    const plan = planFire(next, t(10), t(45), t(5));
    expect(plan).toEqual({
      scheduled: null,
      // The due instant was missed too: the range starts just before it.
      missed: {
        latest: [t(10), t(20), t(30), t(40)],
        more: false,
        range: { after: t(10) - 1, upTo: t(45), down: false },
      },
      upcoming: t(50),
      latest: t(40),
    });
  });

  test('the missed list keeps the latest 100 and says there were more', () => {
    const plan = planFire(next, t(10), t(2_000), t(5));
    expect(plan.missed.latest.length).toBe(100);
    expect(plan.missed.latest[0]).toBe(t(1_010));
    expect(plan.missed.more).toBe(true);
  });

  test('a schedule that ends: upcoming null', () => {
    expect(planFire((after) => (after < t(10) ? t(10) : null), t(10), t(12), t(12))).toEqual({
      scheduled: t(10),
      missed: { latest: [], more: false },
      upcoming: null,
      latest: t(10),
    });
  });
});
