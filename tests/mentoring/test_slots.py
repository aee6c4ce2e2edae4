"""Slot computation as plain functions: no database, no HTTP."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from core.timezones import local_to_utc
from mentoring.slots import (
    Busy,
    Override,
    Rules,
    Window,
    by_local_day,
    format_overrides,
    format_windows,
    free_slots,
    nearest,
    open_intervals,
    parse_overrides,
    parse_windows,
    series_starts,
)

UTC = timezone.utc
LONDON = "Europe/London"
HOUR = timedelta(hours=1)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def rules(**changes) -> Rules:
    values = dict(zone=LONDON, buffer=timedelta(minutes=15), notice=timedelta(hours=24), horizon=timedelta(weeks=8),
                  windows=(Window(1, time(14), time(17)),))  # Tuesdays 14:00-17:00 London
    return Rules(**(values | changes))


def test_a_weekly_window_becomes_slots_every_half_hour_that_fit_the_length():
    now = at(2026, 11, 30, 9)  # Monday; Tuesday 1 December is GMT
    found = free_slots(rules(horizon=timedelta(days=2)), HOUR, Busy(), now)
    assert found == [at(2026, 12, 1, 14), at(2026, 12, 1, 14, 30), at(2026, 12, 1, 15), at(2026, 12, 1, 15, 30),
                     at(2026, 12, 1, 16)]


def test_a_booking_blocks_its_time_and_the_buffer_after_it():
    now = at(2026, 11, 30, 9)
    # A session 14:00-15:00 blocks the mentor until 15:15 (15-minute buffer), so 15:00 is gone but 15:30 is free;
    # and a new session must end 15 minutes before an existing one starts: 13:30+60+15 > 14:00.
    busy = Busy(mentor=((at(2026, 12, 1, 14), at(2026, 12, 1, 15, 15)),))
    found = free_slots(rules(horizon=timedelta(days=2)), HOUR, busy, now)
    assert found == [at(2026, 12, 1, 15, 30), at(2026, 12, 1, 16)]


def test_the_buffer_applies_before_an_existing_booking_too():
    now = at(2026, 11, 30, 9)
    busy = Busy(mentor=((at(2026, 12, 1, 16), at(2026, 12, 1, 17)),))
    found = free_slots(rules(horizon=timedelta(days=2), buffer=timedelta(minutes=30)), timedelta(minutes=30), busy,
                       now)
    # 15:30-16:00 plus a 30-minute buffer would reach 16:30, into the 16:00 session.
    assert at(2026, 12, 1, 15) in found and at(2026, 12, 1, 15, 30) not in found


def test_the_learners_own_sessions_are_busy_too_without_the_mentors_buffer():
    now = at(2026, 11, 30, 9)
    busy = Busy(learner=((at(2026, 12, 1, 14), at(2026, 12, 1, 15)),))
    found = free_slots(rules(horizon=timedelta(days=2)), HOUR, busy, now)
    assert found[0] == at(2026, 12, 1, 15)


def test_busy_times_given_out_of_order_nested_or_touching_all_block():
    now = at(2026, 11, 30, 9)
    # Mentor: 14:00-16:00 with a shorter range inside it listed first, and 16:00-16:30 touching it, so of the
    # Tuesday window only 16:30 is free (30 minutes, no buffer). Learner: two touching sessions, in reverse order.
    busy = Busy(mentor=((at(2026, 12, 1, 14, 30), at(2026, 12, 1, 14, 45)),
                        (at(2026, 12, 1, 16), at(2026, 12, 1, 16, 30)), (at(2026, 12, 1, 14), at(2026, 12, 1, 16))))
    found = free_slots(rules(horizon=timedelta(days=2), buffer=timedelta(0)), timedelta(minutes=30), busy, now)
    assert found == [at(2026, 12, 1, 16, 30)]
    busy = Busy(learner=((at(2026, 12, 1, 15), at(2026, 12, 1, 16)), (at(2026, 12, 1, 14, 30), at(2026, 12, 1, 15))))
    found = free_slots(rules(horizon=timedelta(days=2)), timedelta(minutes=30), busy, now)
    assert found == [at(2026, 12, 1, 14), at(2026, 12, 1, 16), at(2026, 12, 1, 16, 30)]


def test_minimum_notice_is_inclusive_at_its_exact_edge():
    slot = at(2026, 12, 1, 14)
    assert slot in free_slots(rules(), HOUR, Busy(), slot - timedelta(hours=24))
    assert slot not in free_slots(rules(), HOUR, Busy(), slot - timedelta(hours=24) + timedelta(seconds=1))


def test_the_horizon_is_inclusive_at_its_exact_edge():
    slot = at(2026, 12, 1, 14)
    assert slot in free_slots(rules(), HOUR, Busy(), slot - timedelta(weeks=8))
    assert slot not in free_slots(rules(), HOUR, Busy(), slot - timedelta(weeks=8) - timedelta(seconds=1))


@pytest.mark.parametrize("change_day, before, after", [
    # Spring forward on Sunday 29 March 2026: 09:00 London is 09:00 UTC before, 08:00 UTC after.
    (date(2026, 3, 29), at(2026, 3, 28, 9), at(2026, 3, 30, 8)),
    # Fall back on Sunday 25 October 2026: 09:00 London is 08:00 UTC before, 09:00 UTC after.
    (date(2026, 10, 25), at(2026, 10, 24, 8), at(2026, 10, 26, 9)),
])
def test_a_daily_0900_london_window_stays_at_0900_london_across_the_clock_change(change_day, before, after):
    daily = tuple(Window(weekday, time(9), time(10)) for weekday in range(7))
    now = before - timedelta(days=2)
    found = free_slots(rules(windows=daily, notice=timedelta(0), horizon=timedelta(days=5)), HOUR, Busy(), now)
    assert before in found and after in found
    assert {slot.astimezone(ZoneInfo(LONDON)).time() for slot in found} == {time(9)}
    on_the_day = [slot for slot in found if slot.astimezone(ZoneInfo(LONDON)).date() == change_day]
    assert len(on_the_day) == 1


@pytest.mark.parametrize("first, then", [
    (at(2026, 3, 17, 9), at(2026, 3, 31, 8)),    # weekly across the spring change
    (at(2026, 10, 20, 8), at(2026, 11, 3, 9)),   # weekly across the autumn change
])
def test_a_series_keeps_its_london_wall_clock_time(first, then):
    starts = series_starts(first, 3, 1, LONDON)
    assert starts[2] == then
    assert {s.astimezone(ZoneInfo(LONDON)).time() for s in starts} == {time(9)}


def test_a_viewer_in_new_york_sees_the_same_instants_in_their_own_day_and_clock():
    now = at(2026, 11, 30, 9)
    found = free_slots(rules(horizon=timedelta(days=2)), HOUR, Busy(), now)
    new_york = ZoneInfo("America/New_York")
    grouped = by_local_day(found, new_york)
    assert list(grouped) == [date(2026, 12, 1)]
    assert grouped[date(2026, 12, 1)][0].astimezone(new_york).time() == time(9)  # 14:00 GMT = 09:00 EST


def test_a_late_evening_slot_falls_on_the_next_day_for_a_viewer_further_east():
    late = (Window(1, time(22), time(23)),)
    found = free_slots(rules(windows=late, horizon=timedelta(days=3)), HOUR, Busy(), at(2026, 11, 30, 9))
    assert list(by_local_day(found, ZoneInfo("Asia/Tokyo"))) == [date(2026, 12, 2)]


def test_overrides_remove_a_day_or_add_hours():
    day_off = Override(date(2026, 12, 1))
    extra = Override(date(2026, 12, 2), time(10), time(11))
    intervals = open_intervals(rules(overrides=(day_off, extra)), date(2026, 11, 30), date(2026, 12, 8))
    assert intervals == [(at(2026, 12, 2, 10), at(2026, 12, 2, 11)), (at(2026, 12, 8, 14), at(2026, 12, 8, 17))]


def test_nearest_picks_the_closest_free_times_in_time_order():
    slots = [at(2026, 12, 1, h) for h in (9, 10, 11, 14, 15)]
    assert nearest(slots, at(2026, 12, 1, 13), 3) == [at(2026, 12, 1, 11), at(2026, 12, 1, 14), at(2026, 12, 1, 15)]


def test_weekly_hours_and_date_changes_are_read_line_by_line_with_clear_messages():
    windows, problems = parse_windows("Tuesday 14:00-17:00\nwed 9:00–12:00\n\nFunday 10:00-11:00\nMon 12:00-11:00")
    assert windows == [Window(1, time(14), time(17)), Window(2, time(9), time(12))]
    assert problems == ["Line 4: start with a weekday, e.g. 'Tuesday 14:00-17:00'.",
                        "Line 5: the window must end after it starts."]
    overrides, problems = parse_overrides("2026-12-24 off\n2026-12-28 10:00-12:00\n24/12/2026 off\n2026-12-29 soon")
    assert overrides == [Override(date(2026, 12, 24)), Override(date(2026, 12, 28), time(10), time(12))]
    assert problems[0] == "Line 3: start with a date like 2026-12-24."
    assert problems[1].startswith("Line 4: write 'off' or times")


def test_saved_hours_and_date_changes_are_shown_as_the_lines_they_were_read_from():
    windows = [Window(1, time(14), time(17)), Window(3, time(9), time(11, 30))]
    overrides = [Override(date(2026, 12, 24)), Override(date(2026, 12, 28), time(10), time(12))]
    assert format_windows(windows) == "Tuesday 14:00-17:00\nThursday 09:00-11:30"
    assert format_overrides(overrides) == "2026-12-24 off\n2026-12-28 10:00-12:00"
    assert parse_windows(format_windows(windows)) == (windows, [])
    assert parse_overrides(format_overrides(overrides)) == (overrides, [])


def test_only_the_occurrences_in_a_spring_forward_gap_count_as_shifted():
    from mentoring.slots import clock_change_shifts

    first = local_to_utc(date(2027, 3, 21), time(1, 30), "Europe/London")
    starts = series_starts(first, 3, 1, "Europe/London")
    assert clock_change_shifts(starts, "Europe/London") == [starts[1]]
    autumn = series_starts(local_to_utc(date(2027, 10, 24), time(1, 30), "Europe/London"), 3, 1, "Europe/London")
    assert clock_change_shifts(autumn, "Europe/London") == []
