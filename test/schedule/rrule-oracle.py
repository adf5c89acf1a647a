#!/usr/bin/env python3
"""The oracle of test/schedule/rrule-oracle.test.ts (issue 17): python-dateutil's rrule expands
each rule of CASES from its DTSTART (a wall time in the zone), and each wall time is put on the
timeline here, independently of taskkit's TypeScript: the first instant whose local wall time is
at or after it (a time in a spring-forward gap fires at the gap's end, a repeated hour on its
first pass). Found by bisection over zoneinfo's offsets, to the second.

Run once and commit the output (tests need no Python):
    python3 test/schedule/rrule-oracle.py > test/schedule/rrule-oracle.json
    python3 test/schedule/rrule-oracle.py --random 1 300 > test/schedule/rrule-oracle-random.json
The second writes 300 random rules (seed 1) of the kinds RFC 5545 allows; a rule dateutil takes
more than a second to expand (years without an occurrence) is left out, so on a much slower
machine the list may differ: the committed file is the record.
Needs python-dateutil (Debian: python3-dateutil; else pip install python-dateutil) and Python >= 3.9.
"""
import json
import random
import signal
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import dateutil
from dateutil.rrule import rrulestr

NY, BERLIN, LORD_HOWE, UTC = 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'UTC'

# (rule, DTSTART wall time, zone, from instant, n)
CASES = [
    # BYSETPOS
    ('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18;BYMINUTE=0', '2000-01-01T00:00:00', BERLIN, '2026-01-15T00:00:00Z', 12),
    ('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;BYHOUR=9', '2026-01-01T00:00:00', NY, '2026-01-01T00:00:00Z', 8),
    ('FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=2,-2', '2026-01-01T10:00:00', UTC, '2026-01-01T00:00:00Z', 8),
    ('FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1', '2026-01-01T07:00:00', UTC, '2026-01-01T00:00:00Z', 8),
    ('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1', '2026-01-07T08:00:00', UTC, '2026-01-01T00:00:00Z', 5),
    ('FREQ=HOURLY;BYMINUTE=0,20,40;BYSETPOS=-1', '2026-06-01T00:00:00', UTC, '2026-06-01T10:05:00Z', 6),
    ('FREQ=DAILY;BYHOUR=8,12,16;BYSETPOS=2', '2026-06-01T00:00:00', BERLIN, '2026-06-01T00:00:00Z', 4),
    # BYMONTHDAY, negative too; DTSTART on the 31st
    ('FREQ=MONTHLY;BYMONTHDAY=-1', '2026-01-31T09:00:00', UTC, '2026-01-01T00:00:00Z', 8),
    ('FREQ=MONTHLY;BYMONTHDAY=-3,15', '2026-01-01T09:00:00', NY, '2026-01-20T00:00:00Z', 8),
    ('FREQ=MONTHLY;BYMONTHDAY=31', '2026-01-01T06:00:00', UTC, '2026-01-01T00:00:00Z', 6),
    ('FREQ=MONTHLY', '2026-01-31T09:00:00', BERLIN, '2026-01-31T09:00:00Z', 6),
    ('FREQ=YEARLY', '2024-02-29T12:00:00', UTC, '2024-03-01T00:00:00Z', 3),
    # ordinal BYDAY in the year and in the month
    ('FREQ=YEARLY;BYDAY=20MO', '2026-01-01T09:00:00', UTC, '2026-01-01T00:00:00Z', 4),
    ('FREQ=YEARLY;BYDAY=-1SU', '2026-01-01T09:00:00', UTC, '2026-01-01T00:00:00Z', 4),
    ('FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU;BYHOUR=1', '2026-01-01T00:00:00', BERLIN, '2026-01-01T00:00:00Z', 6),
    ('FREQ=MONTHLY;BYDAY=2TU', '2026-01-01T10:30:00', NY, '2026-01-01T00:00:00Z', 8),
    ('FREQ=MONTHLY;BYDAY=-2FR,1MO', '2026-01-01T10:30:00', UTC, '2026-01-01T00:00:00Z', 8),
    ('FREQ=MONTHLY;BYDAY=MO,-1FR', '2026-01-01T10:30:00', UTC, '2026-01-01T00:00:00Z', 3),
    ('FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=4', '2026-01-01T00:00:00', UTC, '2025-12-01T00:00:00Z', 6),
    # BYWEEKNO with WKST variants
    ('FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO', '2020-01-01T09:00:00', UTC, '2026-01-01T00:00:00Z', 5),
    ('FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO;WKST=SU', '2020-01-01T09:00:00', UTC, '2026-01-01T00:00:00Z', 5),
    ('FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH', '2000-01-01T09:00:00', UTC, '2026-01-01T00:00:00Z', 3),
    ('FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SU;WKST=SU', '2020-01-01T09:00:00', UTC, '2026-01-01T00:00:00Z', 4),
    ('FREQ=YEARLY;BYWEEKNO=20,-20;BYDAY=WE;WKST=TH', '2020-01-01T09:00:00', UTC, '2026-01-01T00:00:00Z', 6),
    ('FREQ=YEARLY;BYWEEKNO=1;WKST=SU;BYHOUR=12', '2025-12-20T00:00:00', UTC, '2025-12-20T00:00:00Z', 9),
    # BYYEARDAY, negative too
    ('FREQ=YEARLY;BYYEARDAY=1,100,200', '2026-01-01T08:00:00', UTC, '2026-01-01T00:00:00Z', 6),
    ('FREQ=YEARLY;BYYEARDAY=-1,-306', '2026-01-01T08:00:00', UTC, '2026-01-01T00:00:00Z', 6),
    ('FREQ=HOURLY;INTERVAL=8;BYYEARDAY=60,-306', '2023-01-01T02:00:00', UTC, '2023-01-01T00:00:00Z', 12),
    ('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;BYMONTH=12,1;WKST=TH', '2026-11-20T08:00:00', UTC, '2026-12-01T00:00:00Z', 8),
    ('FREQ=WEEKLY;BYDAY=MO,TH;BYMONTH=1', '2026-12-20T08:00:00', UTC, '2026-12-20T00:00:00Z', 6),
    # COUNT (counted from DTSTART) and UNTIL (instant, wall, date)
    ('FREQ=DAILY;COUNT=10', '2026-03-05T02:30:00', NY, '2026-03-01T00:00:00Z', 12),
    ('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5', '2026-01-01T09:00:00', UTC, '2026-01-08T00:00:00Z', 6),
    ('FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO', '1997-08-05T09:00:00', NY, '1997-08-01T00:00:00Z', 5),
    ('FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU', '1997-08-05T09:00:00', NY, '1997-08-01T00:00:00Z', 5),
    ('FREQ=DAILY;UNTIL=20260310T140000Z', '2026-03-01T09:00:00', NY, '2026-03-05T00:00:00Z', 10),
    ('FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260331T090000', '2026-03-01T09:00:00', BERLIN, '2026-03-10T00:00:00Z', 10),
    ('FREQ=DAILY;UNTIL=20260405', '2026-04-01T00:00:00', UTC, '2026-03-01T00:00:00Z', 10),
    ('FREQ=HOURLY;INTERVAL=6;COUNT=20;BYDAY=MO', '2026-01-01T00:00:00', UTC, '2026-01-10T00:00:00Z', 10),
    # INTERVAL > 1 for every frequency, phase kept from a DTSTART years ago (the jump)
    ('FREQ=YEARLY;INTERVAL=3', '2001-06-15T10:00:00', BERLIN, '2026-01-01T00:00:00Z', 3),
    ('FREQ=MONTHLY;INTERVAL=5', '2000-01-10T10:00:00', NY, '2026-01-01T00:00:00Z', 5),
    ('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=MO', '2000-01-04T09:00:00', NY, '2026-01-01T00:00:00Z', 8),
    ('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU', '2000-01-04T09:00:00', NY, '2026-01-01T00:00:00Z', 8),
    ('FREQ=WEEKLY;INTERVAL=3;WKST=SU', '2000-01-06T09:00:00', UTC, '2026-02-01T00:00:00Z', 4),
    ('FREQ=DAILY;INTERVAL=10', '2000-01-01T23:00:00', LORD_HOWE, '2026-01-01T00:00:00Z', 5),
    ('FREQ=DAILY;BYHOUR=6,18;BYMINUTE=30', '2000-01-01T00:00:00', BERLIN, '2026-01-01T00:00:00Z', 6),
    ('FREQ=HOURLY;INTERVAL=7', '2000-01-01T00:00:00', UTC, '2026-01-01T00:00:00Z', 6),
    ('FREQ=HOURLY;INTERVAL=5;BYDAY=SA', '2000-01-01T01:00:00', UTC, '2026-01-01T00:00:00Z', 8),
    ('FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10', '2026-01-01T00:00:00', UTC, '2026-01-01T00:00:00Z', 8),
    ('FREQ=MINUTELY;INTERVAL=7;BYHOUR=3;BYMINUTE=5', '2026-01-01T00:00:00', UTC, '2026-01-01T00:00:00Z', 3),
    ('FREQ=HOURLY;INTERVAL=3;BYHOUR=9,12,15,16', '2026-01-01T00:00:00', UTC, '2026-01-01T00:00:00Z', 6),
    ('FREQ=SECONDLY;INTERVAL=20', '2026-01-01T23:59:00', UTC, '2026-01-01T23:59:10Z', 5),
    ('FREQ=SECONDLY;INTERVAL=15;BYMINUTE=0;BYHOUR=12', '2026-01-01T00:00:00', UTC, '2026-01-01T00:00:00Z', 6),
    ('FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1;BYHOUR=0,12', '2026-01-01T00:00:00', UTC, '2026-01-01T00:00:00Z', 5),
    ('FREQ=DAILY', '2026-01-01T10:20:30', BERLIN, '2026-01-01T00:00:00Z', 3),
    # DST nights: New York (2026-03-08, 2026-11-01), Berlin (2026-03-29, 2026-10-25),
    # Lord Howe (30 minutes: 2026-04-05 back, 2026-10-04 forward)
    ('FREQ=DAILY;BYHOUR=2;BYMINUTE=30', '2026-03-01T00:00:00', NY, '2026-03-07T00:00:00Z', 4),
    ('FREQ=DAILY;BYHOUR=1;BYMINUTE=30', '2026-10-01T00:00:00', NY, '2026-10-30T00:00:00Z', 4),
    ('FREQ=HOURLY;BYMINUTE=30', '2026-03-01T00:00:00', NY, '2026-03-08T04:00:00Z', 6),
    ('FREQ=HOURLY;BYMINUTE=30', '2026-10-01T00:00:00', NY, '2026-11-01T03:00:00Z', 6),
    ('FREQ=HOURLY;BYMINUTE=30', '2026-10-01T00:00:00', NY, '2026-11-01T06:10:00Z', 3),
    ('FREQ=DAILY;BYHOUR=2;BYMINUTE=30', '2026-03-01T00:00:00', BERLIN, '2026-03-27T00:00:00Z', 4),
    ('FREQ=MINUTELY;INTERVAL=20', '2026-03-29T00:00:00', BERLIN, '2026-03-29T00:30:00Z', 6),
    ('FREQ=HOURLY;BYMINUTE=15,45', '2026-10-01T00:00:00', BERLIN, '2026-10-24T23:00:00Z', 8),
    ('FREQ=DAILY;BYHOUR=2;BYMINUTE=30', '2026-10-01T00:00:00', BERLIN, '2026-10-23T00:00:00Z', 4),
    ('FREQ=DAILY;BYHOUR=2;BYMINUTE=15', '2026-09-01T00:00:00', LORD_HOWE, '2026-10-02T00:00:00Z', 4),
    ('FREQ=DAILY;BYHOUR=1;BYMINUTE=45', '2026-03-01T00:00:00', LORD_HOWE, '2026-04-03T00:00:00Z', 4),
    ('FREQ=HOURLY;BYMINUTE=15,45', '2026-09-01T00:00:00', LORD_HOWE, '2026-10-03T13:00:00Z', 6),
    ('FREQ=MINUTELY;INTERVAL=10', '2026-04-01T00:00:00', LORD_HOWE, '2026-04-04T14:20:00Z', 10),
    ('FREQ=MINUTELY;INTERVAL=10', '2026-09-01T00:00:00', LORD_HOWE, '2026-10-03T15:10:00Z', 6),
]


def offset_at(t, zone):
    """UTC offset in seconds at instant t (seconds since the epoch)."""
    return int(datetime.fromtimestamp(t, zone).utcoffset().total_seconds())


def pieces(lo, hi, zone):
    """[lo, hi) cut into runs of one offset: (start, end, offset), found by bisection to the second."""
    out = []
    start = lo
    probe = lo
    while probe < hi:
        nxt = min(probe + 1800, hi)
        if offset_at(nxt, zone) != offset_at(start, zone):
            a, b = probe, nxt  # offset(a) == offset(start) != offset(b)
            while b - a > 1:
                mid = (a + b) // 2
                if offset_at(mid, zone) == offset_at(start, zone):
                    a = mid
                else:
                    b = mid
            out.append((start, b, offset_at(start, zone)))
            start = b
        probe = nxt
    out.append((start, hi, offset_at(start, zone)))
    return out


def first_instant(wall, zone):
    """The first instant (seconds) whose local wall time is at or after `wall` (naive datetime)."""
    as_utc = int(wall.replace(tzinfo=timezone.utc).timestamp())
    for start, end, offset in pieces(as_utc - 18 * 3600, as_utc + 18 * 3600, zone):
        candidate = max(start, as_utc - offset)
        if candidate < end:
            return candidate
    raise ValueError(f'no instant for {wall} in {zone}')


def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.000Z')


def expand(rule, start, zone_name, frm, n):
    zone = ZoneInfo(zone_name)
    naive = datetime.fromisoformat(start)
    # dateutil wants an aware DTSTART with a UTC UNTIL; it still expands in wall time.
    dtstart = naive.replace(tzinfo=zone) if 'Z' in rule.split('UNTIL=')[-1].split(';')[0] and 'UNTIL=' in rule else naive
    after = int(datetime.fromisoformat(frm.replace('Z', '+00:00')).timestamp())
    # Wall times more than a day before `after` cannot fire after it.
    horizon = datetime.fromtimestamp(after, timezone.utc).replace(tzinfo=None) - timedelta(days=2)
    walls, instants = [], []
    for occurrence in rrulestr(rule, dtstart=dtstart):
        wall = occurrence.replace(tzinfo=None)
        if wall < horizon:
            continue
        instant = first_instant(wall, zone)
        if instant <= after or (instants and instant == instants[-1]):
            continue
        walls.append(wall.isoformat())
        instants.append(instant)
        if len(instants) == n:
            break
    return {
        'rule': rule,
        'start': start,
        'zone': zone_name,
        'from': frm,
        'n': n,
        'walls': walls,
        'instants': [iso(t) for t in instants],
    }


DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']
FREQS = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY', 'SECONDLY']


class TooSlow(Exception):
    pass


def too_slow(*_):
    raise TooSlow()


def random_rule(rng):
    """A random rule within RFC 5545's restrictions (those taskkit's parser enforces)."""

    def values(lo, hi, k, signed=False):
        chosen = {rng.randint(lo, hi) * (-1 if signed and rng.random() < 0.4 else 1) for _ in range(k)}
        return ','.join(map(str, sorted(chosen)))

    freq = rng.choice(FREQS[:5] if rng.random() < 0.85 else FREQS)
    parts = [f'FREQ={freq}']
    if rng.random() < 0.5:
        parts.append(f'INTERVAL={rng.randint(1, 6)}')
    if rng.random() < 0.3:
        parts.append(f'WKST={rng.choice(DAYS)}')
    if rng.random() < 0.35:
        parts.append(f'BYMONTH={values(1, 12, rng.randint(1, 4))}')
    weekno = freq == 'YEARLY' and rng.random() < 0.35
    if weekno:
        parts.append(f'BYWEEKNO={values(1, 53, rng.randint(1, 3), True)}')
    if freq in ('YEARLY', 'HOURLY', 'MINUTELY', 'SECONDLY') and rng.random() < 0.25:
        parts.append(f'BYYEARDAY={values(1, 366, rng.randint(1, 4), True)}')
    if freq != 'WEEKLY' and rng.random() < 0.35:
        parts.append(f'BYMONTHDAY={values(1, 31, rng.randint(1, 4), True)}')
    if rng.random() < 0.5:
        days = set()
        for _ in range(rng.randint(1, 4)):
            day = rng.choice(DAYS)
            if freq == 'MONTHLY' and rng.random() < 0.5:
                day = f'{rng.choice([1, 2, 3, 4, 5, -1, -2, -5])}{day}'
            elif freq == 'YEARLY' and not weekno and rng.random() < 0.5:
                day = f'{rng.choice([1, 2, 20, 52, 53, -1, -10])}{day}'
            days.add(day)
        parts.append('BYDAY=' + ','.join(sorted(days)))
    if rng.random() < 0.4:
        parts.append(f'BYHOUR={values(0, 23, rng.randint(1, 3))}')
    if rng.random() < 0.3:
        parts.append(f'BYMINUTE={values(0, 59, rng.randint(1, 3))}')
    if freq in ('MINUTELY', 'SECONDLY') and rng.random() < 0.3:
        parts.append(f'BYSECOND={values(0, 59, rng.randint(1, 3))}')
    if any(part.startswith('BY') for part in parts) and rng.random() < 0.25:
        parts.append(f'BYSETPOS={values(1, 10, rng.randint(1, 2), True)}')
    if rng.random() < 0.15:
        parts.append(f'COUNT={rng.randint(1, 30)}')
    return ';'.join(parts)


def random_cases(seed, n):
    rng = random.Random(seed)
    zones = [UTC, NY, BERLIN, LORD_HOWE]
    cases = []
    signal.signal(signal.SIGALRM, too_slow)
    while len(cases) < n:
        rule = random_rule(rng)
        start = datetime(rng.randint(1998, 2025), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                         rng.choice([0, 15, 30, 45]), rng.choice([0, 0, 20]))
        zone = rng.choice(zones)
        frm = start + timedelta(days=rng.randint(-10, 3000), seconds=rng.randint(0, 86400))
        signal.alarm(1)
        try:
            cases.append(expand(rule, start.isoformat(), zone, frm.isoformat() + 'Z', 6))
        except (TooSlow, ValueError, IndexError):
            # Years without an occurrence; a rule dateutil refuses as empty; or one it fails on
            # (an ordinal like 20MO with YEARLY;BYMONTH indexes past its weekday mask).
            pass
        finally:
            signal.alarm(0)
    return cases


def main():
    if sys.argv[1:2] == ['--random']:
        cases = random_cases(int(sys.argv[2]), int(sys.argv[3]))
    else:
        cases = [expand(*case) for case in CASES]
    json.dump(
        {
            'generator': 'test/schedule/rrule-oracle.py',
            'dateutil': dateutil.__version__,
            'python': sys.version.split()[0],
            'cases': cases,
        },
        sys.stdout,
        indent=1,
    )
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
