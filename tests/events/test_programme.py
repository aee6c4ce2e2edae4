"""The programme's rules, without HTTP."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from events.programme import by_day, event_bounds, session_problem, training_hours
from tests.events.helpers import utc


@dataclass
class _Session:
    id: int
    starts_at: datetime
    ends_at: datetime
    room: str = ""


def test_training_hours_count_parallel_streams_once():
    assert training_hours([]) == 0
    assert training_hours([(utc(2027, 3, 1, 9), utc(2027, 3, 1, 10))]) == 1
    # two streams 10:00-11:00 and 10:30-11:30 cover an hour and a half; a gap is not counted
    assert training_hours([(utc(2027, 3, 1, 10), utc(2027, 3, 1, 11)), (utc(2027, 3, 1, 10, 30), utc(2027, 3, 1, 11, 30)),
                           (utc(2027, 3, 1, 14), utc(2027, 3, 1, 14, 45))]) == 2.25
    # a session inside another adds nothing; touching sessions join up
    assert training_hours([(utc(2027, 3, 1, 9), utc(2027, 3, 1, 12)), (utc(2027, 3, 1, 10), utc(2027, 3, 1, 11)),
                           (utc(2027, 3, 1, 12), utc(2027, 3, 1, 13))]) == 4


def test_programme_groups_by_local_day_and_parallel_start():
    london = ZoneInfo("Europe/London")
    # 23:30 UTC on 30 June is already 1 July in London (summer time)
    late = _Session(1, utc(2027, 6, 30, 23, 30), utc(2027, 7, 1, 0, 30))
    a = _Session(2, utc(2027, 7, 1, 9), utc(2027, 7, 1, 10), "Stream B")
    b = _Session(3, utc(2027, 7, 1, 9), utc(2027, 7, 1, 10), "Stream A")
    next_day = _Session(4, utc(2027, 7, 2, 9), utc(2027, 7, 2, 10))
    days = by_day([next_day, a, late, b], london)
    assert [d.day.isoformat() for d in days] == ["2027-07-01", "2027-07-02"]
    assert [[s.id for s in slot.sessions] for slot in days[0].slots] == [[1], [3, 2]]


def test_event_bounds_follow_the_zone_across_a_clock_change():
    starts, ends = event_bounds(datetime(2027, 3, 27).date(), time(9), datetime(2027, 3, 28).date(), time(17),
                                "Europe/London")
    assert starts == utc(2027, 3, 27, 9) and ends == utc(2027, 3, 28, 16)


def test_a_session_must_end_after_it_starts_and_within_the_event():
    day_start, day_end = utc(2027, 3, 1, 9), utc(2027, 3, 1, 17)
    assert session_problem(utc(2027, 3, 1, 10), utc(2027, 3, 1, 11), day_start, day_end) is None
    assert "end after" in session_problem(utc(2027, 3, 1, 11), utc(2027, 3, 1, 11), day_start, day_end)
    assert "within" in session_problem(utc(2027, 3, 1, 8), utc(2027, 3, 1, 10), day_start, day_end)
    assert "within" in session_problem(utc(2027, 3, 1, 16), utc(2027, 3, 1, 17) + timedelta(minutes=1),
                                       day_start, day_end)
