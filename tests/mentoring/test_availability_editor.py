"""The weekly availability editor: rows per day, copy a day, dates that differ, and paste hours, without JavaScript."""
import re
from datetime import date, time

from core.extensions import db
from mentoring.models import MentorProfile
from mentoring.slots import Override, Window

SETTINGS = {"timezone": "Europe/London", "session_lengths": ["30", "60"], "buffer_minutes": "15",
            "notice_hours": "24", "horizon_weeks": "8", "cancel_cutoff_hours": "12", "place_type": "",
            "place_detail": "", "weekly_hours": "", "date_changes": ""}


def _saved():
    profile = db.session.scalar(db.select(MentorProfile))
    db.session.refresh(profile)
    return ([(w.weekday, w.start_time, w.end_time) for w in profile.windows],
            sorted(((o.on_date, o.start_time, o.end_time) for o in profile.overrides),
                   key=lambda row: (row[0], row[1] is not None, row[1] or time(0))))


def test_a_new_mentor_starts_from_office_hours_and_saves_rows(client, login_as, make_user):
    login_as(make_user("mentor"))
    page = client.get("/mentoring/availability").text
    assert 'id="monday-0-start"' in page and 'value="09:00"' in page and 'id="saturday-0-start"' not in page
    assert db.session.scalar(db.select(MentorProfile)) is None
    response = client.post("/mentoring/availability", data=SETTINGS | {
        "monday-0-start": "09:00", "monday-0-end": "12:00", "monday-1-start": "14:00", "monday-1-end": "17:30",
        "thursday-0-start": "10:00", "thursday-0-end": "16:00", "friday-0-start": "", "friday-0-end": "",
        "exceptions-0-on_date": "2026-12-24", "exceptions-0-kind": "off",
        "exceptions-1-on_date": "2026-12-28", "exceptions-1-kind": "only",
        "exceptions-1-start": "10:00", "exceptions-1-end": "12:00",
        "exceptions-2-on_date": "2026-12-29", "exceptions-2-kind": "extra",
        "exceptions-2-start": "18:00", "exceptions-2-end": "19:00", "submit": "Save availability"})
    assert response.status_code == 302
    windows, overrides = _saved()
    assert windows == [(0, time(9), time(12)), (0, time(14), time(17, 30)), (3, time(10), time(16))]
    assert overrides == [(date(2026, 12, 24), None, None), (date(2026, 12, 28), None, None),
                         (date(2026, 12, 28), time(10), time(12)), (date(2026, 12, 29), time(18), time(19))]
    # Read back as rows (and as the text power users paste), the same week and dates.
    page = client.get("/mentoring/availability").text
    assert 'id="monday-1-end"' in page and 'value="17:30"' in page
    assert '<option selected value="only">' in page and '<option selected value="extra">' in page
    assert "Monday 14:00-17:30" in page and "2026-12-28 off\n2026-12-28 10:00-12:00" in page


def test_mistakes_are_marked_beside_the_row_and_nothing_is_saved(client, login_as, make_user):
    login_as(make_user("mentor"))
    response = client.post("/mentoring/availability", data=SETTINGS | {
        "monday-0-start": "12:00", "monday-0-end": "09:00",
        "tuesday-0-start": "09:00", "tuesday-0-end": "12:00", "tuesday-1-start": "11:00", "tuesday-1-end": "13:00",
        "wednesday-0-start": "09:00", "wednesday-0-end": "",
        "thursday-0-start": "25:00", "thursday-0-end": "26:00",
        "exceptions-0-on_date": "", "exceptions-0-kind": "off", "exceptions-0-start": "10:00",
        "exceptions-1-on_date": "2026-12-28", "exceptions-1-kind": "only",
        "exceptions-2-on_date": "2026-12-29", "exceptions-2-kind": "teleport"})
    assert response.status_code == 200
    text = response.text
    assert 'id="monday-0-end-error"' in text and "The end must be after the start." in text
    assert 'id="tuesday-1-end-error"' in text and "This overlaps 09:00–12:00 on the same day." in text
    assert 'id="wednesday-0-end-error"' in text and "Enter both times" in text
    assert 'id="thursday-0-start-error"' in text
    assert 'id="exceptions-0-on_date-error"' in text and "Choose the date." in text
    assert 'id="exceptions-1-end-error"' in text
    assert "Nothing is saved yet" in text
    assert db.session.scalar(db.select(MentorProfile)) is None


def test_add_remove_and_copy_work_without_javascript_and_save_nothing(client, login_as, make_user):
    login_as(make_user("mentor"))
    rows = {"monday-0-start": "09:00", "monday-0-end": "12:00", "monday-1-start": "14:00", "monday-1-end": "17:00"}
    added = client.post("/mentoring/availability", data=SETTINGS | rows | {"action": "add:saturday"})
    assert added.status_code == 200 and 'id="saturday-0-start"' in added.text
    [tag] = re.findall(r'<input[^>]*id="saturday-0-start"[^>]*>', added.text)
    assert "autofocus" in tag and 'type="time"' in tag
    removed = client.post("/mentoring/availability", data=SETTINGS | rows | {"action": "remove:monday:0"})
    assert 'value="14:00"' in removed.text and 'value="09:00"' not in removed.text.split('id="weekly-heading"')[1]
    copied = client.post("/mentoring/availability", data=SETTINGS | rows | {
        "action": "copy", "copy_from": "0", "copy_to": ["2", "4"]})
    page = copied.text
    assert 'id="wednesday-1-end"' in page and 'id="friday-1-end"' in page and 'id="tuesday-0-start"' not in page
    date_added = client.post("/mentoring/availability", data=SETTINGS | rows | {"action": "add-date"})
    assert 'id="exceptions-0-on_date"' in date_added.text and 'type="date"' in date_added.text
    # Tampered actions change nothing and never fail.
    for action in ("add:funday", "remove:monday:99", "remove:monday:x", "copy", "remove-date:5", "explode"):
        assert client.post("/mentoring/availability", data=SETTINGS | rows | {"action": action}).status_code == 200
    assert db.session.scalar(db.select(MentorProfile)) is None


def test_pasted_hours_are_parsed_by_the_same_code_and_replace_the_rows(client, login_as, make_user):
    login_as(make_user("mentor"))
    response = client.post("/mentoring/availability", data=SETTINGS | {
        "monday-0-start": "09:00", "monday-0-end": "12:00",
        "weekly_hours": "Tue 14:00-17:00\nThursday 9:00-11:00", "date_changes": "2026-12-24 off",
        "paste": "Save the pasted hours"})
    assert response.status_code == 302
    assert _saved() == ([(1, time(14), time(17)), (3, time(9), time(11))], [(date(2026, 12, 24), None, None)])
    bad = client.post("/mentoring/availability", data=SETTINGS | {"weekly_hours": "Someday 9-5",
                                                                 "paste": "Save the pasted hours"})
    assert bad.status_code == 200 and "Line 1: start with a weekday" in bad.text and "<details class=\"mb-3\" open" in bad.text


def test_the_form_fills_rows_from_windows_and_overrides(app):
    from mentoring.forms import AvailabilityForm

    with app.test_request_context():
        form = AvailabilityForm()
        form.fill([Window(0, time(9), time(12)), Window(0, time(13), time(15)), Window(6, time(10), time(11))],
                  [Override(date(2026, 12, 24)), Override(date(2026, 12, 28)),
                   Override(date(2026, 12, 28), time(10), time(12)), Override(date(2026, 12, 29), time(8), time(9))])
        assert [(e.form.start.data, e.form.end.data) for e in form.monday] == [(time(9), time(12)),
                                                                              (time(13), time(15))]
        assert len(form.sunday) == 1 and len(form.tuesday) == 0
        assert [(e.form.on_date.data, e.form.kind.data) for e in form.exceptions] == [
            (date(2026, 12, 24), "off"), (date(2026, 12, 28), "only"), (date(2026, 12, 29), "extra")]
