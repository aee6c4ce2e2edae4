"""The slot picker: a week of days with each free time one link from the confirmation page, in a zone of the viewer's choosing."""
import html
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from core.timezones import local_to_utc
from mentoring import bookings as ops
from tests.mentoring.helpers import first_free


def test_each_free_time_is_a_link_to_the_confirmation_page(client, login_as, pair):
    mentor, trainee, profile = pair
    login_as(trainee)
    page = client.get(f"/mentoring/mentors/{mentor.id}/book", query_string={"length": 60}).text
    start = first_free(profile, trainee)
    assert f'<time datetime="{start.isoformat()}">' in page
    assert 'type="radio"' not in page
    assert 'aria-label="Session length"' in page and 'aria-current="page" href="/mentoring/mentors' in page
    assert page.count('class="slot-day"') == 7
    assert 'id="first-free"' in page and "show that week" not in page
    link = re.search(r'href="([^"]*start=[^"]*)"', page).group(1).replace("&amp;", "&")
    confirm = client.get(link)
    assert confirm.status_code == 200 and "Confirm your session" in confirm.text
    assert 'name="topic"' in confirm.text and 'name="module_id"' in confirm.text and 'id="meeting-place"' in confirm.text
    slot_links = re.findall(r'class="[^"]*slot-link" href="([^"]+)"><time datetime="([^"]+)">', page)
    assert len(slot_links) > 1
    for href, when in slot_links:
        url = urlsplit(html.unescape(href))
        assert url.path == f"/mentoring/mentors/{mentor.id}/book"
        assert parse_qs(url.query) == {"length": ["60"], "start": [when], "tz": ["Europe/London"]}
    later = datetime.fromisoformat(slot_links[-1][1])
    confirm = client.get(html.unescape(slot_links[-1][0])).text
    assert "Confirm your session" in confirm and later.astimezone(ZoneInfo("Europe/London")).strftime("%a %-d %b %Y, %H:%M") in confirm


def test_the_first_free_time_is_offered_from_an_empty_week(client, login_as, make_user, make_run, enrol,
                                                           make_profile):
    mentor, trainee = make_user("mentor"), make_user("trainee")
    enrol(make_run(mentors=[mentor]), trainee)
    # Open on one weekday only, with six weeks' notice: this week and the next are empty.
    profile = make_profile(mentor, windows=[(2, time(9), time(12))], notice_hours=24 * 7 * 6, horizon_weeks=10)
    login_as(trainee)
    page = client.get(f"/mentoring/mentors/{mentor.id}/book", query_string={"length": 60}).text
    first = ops.free_slots(profile, trainee.id, timedelta(minutes=60))[0]
    assert "No free times" in page and f"start={first.isoformat().replace('+', '%2B')}" in page
    assert "show that week" in page


def test_the_viewer_chooses_the_zone_the_times_are_shown_in(client, login_as, pair):
    mentor, trainee, profile = pair
    login_as(trainee)
    start = first_free(profile, trainee)
    london = client.get(f"/mentoring/mentors/{mentor.id}/book", query_string={"length": 60}).text
    tokyo = client.get(f"/mentoring/mentors/{mentor.id}/book",
                       query_string={"length": 60, "tz": "Asia/Tokyo"}).text
    london_clock = start.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M")
    tokyo_clock = start.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    pattern = f'<time datetime="{re.escape(start.isoformat())}">([0-9:]+)</time>'
    assert re.search(pattern, london).group(1) == london_clock
    assert '<option value="Asia/Tokyo" selected>' in tokyo
    if re.search(pattern, tokyo):  # Tokyo's week starts on Tokyo's today, so the first slot may fall before it
        assert re.search(pattern, tokyo).group(1) == tokyo_clock
    assert "tz=Asia%2FTokyo" in tokyo or "tz=Asia/Tokyo" in tokyo
    nonsense = client.get(f"/mentoring/mentors/{mentor.id}/book", query_string={"length": 60, "tz": "Mars/Base"})
    assert nonsense.status_code == 200 and '<option value="Europe/London" selected>' in nonsense.text


def test_across_the_clock_change_the_mentors_nine_oclock_shows_at_nine_in_london_and_moves_in_new_york(
        app, client, login_as, make_user, make_run, enrol, make_profile, monkeypatch):
    """London's clocks go back on 25 October 2026, New York's on 1 November: for that week 09:00 London is 05:00
    in New York, not 04:00 as before and after."""
    import mentoring.bookings
    import mentoring.views

    mentor, trainee = make_user("mentor"), make_user("trainee")
    enrol(make_run(mentors=[mentor]), trainee)
    make_profile(mentor, windows=[(d, time(9), time(10)) for d in range(7)], notice_hours=0, horizon_weeks=3)
    now = local_to_utc(date(2026, 10, 23), time(12), "Europe/London")
    monkeypatch.setattr(mentoring.views, "utcnow", lambda: now)
    monkeypatch.setattr(mentoring.bookings, "utcnow", lambda: now)
    login_as(trainee)
    shown = {}
    for zone in ("Europe/London", "America/New_York"):
        page = client.get(f"/mentoring/mentors/{mentor.id}/book", query_string={"length": 60, "tz": zone}).text
        shown[zone] = dict(re.findall(r'<time datetime="([^"]+)">([0-9:]+)</time>', page))
    assert set(shown["Europe/London"].values()) == {"09:00"}
    by_day = {iso[:10]: clock for iso, clock in shown["America/New_York"].items()}
    assert by_day["2026-10-24"] == "04:00"  # London BST (UTC+1), New York EDT (UTC-4)
    assert by_day["2026-10-26"] == "05:00"  # London GMT, New York still EDT
    utc_hours = {iso[:10]: iso[11:13] for iso in shown["Europe/London"]}
    assert utc_hours["2026-10-24"] == "08" and utc_hours["2026-10-26"] == "09"
