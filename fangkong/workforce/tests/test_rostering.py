"""The week's roster solver and its greedy baseline on plain data (no database)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest

from fangkong.workforce.rostering import (
    PostDemand,
    Rules,
    WorkerAvailability,
    check_worker_shifts,
    greedy_roster,
    is_night,
    solve_roster,
)

SH = timezone(timedelta(hours=8))
MONDAY = date(2026, 12, 7)
WEEK = frozenset(MONDAY + timedelta(days=i) for i in range(7))
RULES = Rules()  # 8 h shifts, 8 h a day, 48 h a week, 12 h rest, 6 days in a row


def posts3():
    return [
        PostDemand(1, "东门", 1, frozenset(range(24))),
        PostDemand(2, "西门", 1, frozenset(range(6, 22))),
        PostDemand(3, "巡查", 1, frozenset(range(8, 20))),
    ]


def workers(n, *, seed=1, off=0.0):
    rng = random.Random(seed)
    return [
        WorkerAvailability(i + 1, f"w{i + 1}", frozenset(d for d in sorted(WEEK) if rng.random() >= off))
        for i in range(n)
    ]


def by_worker(roster):
    out = defaultdict(list)
    for s in roster.shifts:
        out[s.worker].append((s.start, s.end))
    return out


def assert_rules_kept(roster, rules=RULES):
    for w, iv in by_worker(roster).items():
        assert check_worker_shifts(iv, rules=rules, tz=SH) == [], w


@pytest.mark.parametrize("solve", [solve_roster, greedy_roster])
def test_full_cover_keeps_every_rule(solve):
    r = solve(posts3(), workers(14), week_start=MONDAY, tz=SH, rules=RULES)
    assert r.shortfalls == [] and r.uncovered_post_hours == 0
    assert_rules_kept(r)
    # Every open post-hour of the week is inside exactly staff_needed shifts.
    hours = defaultdict(int)
    for s in r.shifts:
        t = s.start
        while t < s.end:
            hours[(s.post, t)] += 1
            t += timedelta(hours=1)
    for p in posts3():
        for d in sorted(WEEK):
            for h in p.hours:
                at = datetime(d.year, d.month, d.day, h, tzinfo=SH)
                assert hours[(p.key, at)] == p.staff_needed, (p.name, at)
    # Shifts are clipped to the post's hours: the west gate's first shift is 06:00–08:00.
    west = sorted((s for s in r.shifts if s.post == 2 and s.start.date() == MONDAY), key=lambda s: s.start)
    assert (west[0].start.hour, west[0].end.hour) == (6, 8)


def test_solver_spreads_nights_no_worse_than_greedy_and_evenly():
    for seed in range(4):
        ws = workers(12, seed=seed, off=0.08)
        g = greedy_roster(posts3(), ws, week_start=MONDAY, tz=SH, rules=RULES)
        s = solve_roster(posts3(), ws, week_start=MONDAY, tz=SH, rules=RULES, time_limit=5)
        assert s.uncovered_post_hours <= g.uncovered_post_hours
        assert s.night_spread <= g.night_spread
        assert_rules_kept(s)
    # With everyone free all week, 14 night shifts over 14 workers: one each.
    s = solve_roster(posts3()[:2], workers(14), week_start=MONDAY, tz=SH, rules=RULES, time_limit=5)
    assert s.night_spread == 0 and set(s.nights.values()) == {1}


def test_shortfall_names_post_and_hours():
    # Two workers cannot keep a 24-hour gate with 12 h of rest: the message names the post and the hours.
    r = solve_roster(posts3()[:1], workers(2), week_start=MONDAY, tz=SH, rules=RULES)
    assert r.status == "partial" and r.shortfalls
    first = r.shortfalls[0]
    assert first.post_name == "东门" and first.missing == 1
    assert "东门" in r.message and f"{first.start:%m-%d %H:%M}" in r.message
    assert r.uncovered_post_hours == sum(s.post_hours for s in r.shortfalls) > 0
    assert_rules_kept(r)


def test_rest_days_and_busy_times_are_respected():
    ws = workers(12)
    resting = WorkerAvailability(99, "休", WEEK - {MONDAY, MONDAY + timedelta(days=1)})
    busy_end = datetime(2026, 12, 9, 12, tzinfo=SH)
    busy = WorkerAvailability(98, "忙", WEEK, busy=((busy_end - timedelta(hours=8), busy_end),))
    r = solve_roster(posts3(), [*ws, resting, busy], week_start=MONDAY, tz=SH, rules=RULES)
    for s in r.shifts:
        if s.worker == 99:
            assert s.start.date() not in (MONDAY, MONDAY + timedelta(days=1))
        if s.worker == 98:
            assert s.end <= busy_end - timedelta(hours=8 + 12) or s.start >= busy_end + timedelta(hours=12)


def test_consecutive_days_count_the_days_before_the_week():
    rules = Rules(max_consecutive_days=3, max_hours_per_week=56)
    ws = [WorkerAvailability(i, f"w{i}", WEEK, prior_streak=3 if i == 1 else 0) for i in range(1, 9)]
    r = solve_roster(posts3()[:1], ws, week_start=MONDAY, tz=SH, rules=rules)
    assert not any(s.worker == 1 and s.start.date() == MONDAY for s in r.shifts)
    days = defaultdict(set)
    for s in r.shifts:
        days[s.worker].add(s.start.date())
    for w, ds in days.items():
        run = best = 0
        for d in sorted(WEEK):
            run = run + 1 if d in ds else 0
            best = max(best, run)
        assert best <= 3, w


def test_hours_per_week_limit():
    rules = Rules(max_hours_per_week=16)
    r = solve_roster(posts3()[:1], workers(20), week_start=MONDAY, tz=SH, rules=rules)
    per = defaultdict(float)
    for s in r.shifts:
        per[s.worker] += s.hours
    assert max(per.values()) <= 16 and r.uncovered_post_hours == 0


def test_empty_and_bad_rules():
    r = solve_roster([], workers(3), week_start=MONDAY, tz=SH, rules=RULES)
    assert r.shifts == [] and r.shortfalls == [] and r.status == "empty"
    r = solve_roster(posts3(), [], week_start=MONDAY, tz=SH, rules=RULES)
    assert r.shifts == [] and r.status == "partial" and len(r.shortfalls) == 7 * 3 + 7 * 3 + 7 * 2
    with pytest.raises(ValueError, match="divide 24"):
        solve_roster(posts3(), workers(3), week_start=MONDAY, tz=SH, rules=Rules(shift_hours=5))
    with pytest.raises(ValueError, match="longer than"):
        greedy_roster(posts3(), workers(3), week_start=MONDAY, tz=SH, rules=Rules(shift_hours=12))


def test_check_worker_shifts_names_each_broken_rule():
    d = datetime(2026, 12, 7, 8, tzinfo=SH)
    h = timedelta(hours=1)
    assert check_worker_shifts([(d, d + 8 * h), (d + 24 * h, d + 32 * h)], rules=RULES, tz=SH) == []
    out = check_worker_shifts([(d, d + 8 * h), (d + 12 * h, d + 16 * h)], rules=RULES, tz=SH)
    assert any("rest" in m for m in out) and any("within 24 h" in m for m in out)
    assert any(
        "overlap" in m
        for m in check_worker_shifts([(d, d + 8 * h), (d + 4 * h, d + 9 * h)], rules=RULES, tz=SH)
    )
    # A shift that starts when the last ends continues it (no rest rule), but 16 h in 24 h is too many.
    out = check_worker_shifts([(d, d + 8 * h), (d + 8 * h, d + 16 * h)], rules=RULES, tz=SH)
    assert not any("rest" in m for m in out) and any("16 h within 24 h" in m for m in out)
    week = [(d + k * 24 * h, d + k * 24 * h + 8 * h) for k in range(7)]
    out = check_worker_shifts(week, rules=RULES, tz=SH)
    assert any("7 days in a row" in m for m in out) and any("56 h in the week" in m for m in out)


def test_is_night():
    d = datetime(2026, 12, 7, 0, tzinfo=SH)
    assert is_night(d, d + timedelta(hours=8))
    assert is_night(d + timedelta(hours=5), d + timedelta(hours=6))
    assert not is_night(d + timedelta(hours=6), d + timedelta(hours=24))


def test_shifts_already_held_in_the_week_count_toward_hours_and_days_in_a_row():
    from fangkong.workforce.rostering import RosterShift

    day_post = PostDemand(1, "巡查", 1, frozenset(range(8, 16)))
    held = tuple(
        (
            datetime.combine(MONDAY + timedelta(days=d), datetime.min.time(), tzinfo=SH) + timedelta(hours=8),
            datetime.combine(MONDAY + timedelta(days=d), datetime.min.time(), tzinfo=SH)
            + timedelta(hours=16),
        )
        for d in range(5)
    )
    kept = [RosterShift(1, 7, s, e) for s, e in held]
    w = WorkerAvailability(7, "老王", WEEK, busy=held)
    for solve in (solve_roster, greedy_roster):
        r = solve([day_post], [w], week_start=MONDAY, tz=SH, rules=RULES, kept=kept)
        # Mon–Fri are covered by the shifts held; 48 h a week leaves him one more shift, and six days in a
        # row at most: Saturday, not Sunday.
        assert [s.start.date() for s in r.shifts] == [MONDAY + timedelta(days=5)]
        assert [s.start.date() for s in r.shortfalls] == [MONDAY + timedelta(days=6)]
