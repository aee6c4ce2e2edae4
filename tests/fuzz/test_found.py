"""What fuzzing found, pinned: each input that once gave a 500 now gets a 4xx that says what was wrong."""

import re
from urllib.parse import quote

import pytest
from werkzeug.routing import IntegerConverter

from core.db import MAX_INT
from core.extensions import db
from courses.models import Run
from tests.conftest import TEST_PASSWORD
from tests.modules.signoff_helpers import pdf_bytes, post_decision, post_request, ready_trainee

CONTROL_MESSAGE = "control character"

#: (role, method, url, form data): a NUL in each of these reached PostgreSQL, which refuses it (SQLite stores it)
NUL_REACHED_THE_DATABASE = [
    ("anonymous", "POST", "/register", {"email": "a\x00@example.org", "display_name": "A", "password": TEST_PASSWORD,
                                       "confirm": TEST_PASSWORD, "organisation_name": "P\x00",
                                       "institution": "U", "nation": "ENGLAND_AND_WALES"}),
    ("anonymous", "GET", "/?topic=%00", None),
    ("anonymous", "POST", "/sign-in", {"email": "trainee\x00@example.org", "password": TEST_PASSWORD}),
    ("anonymous", "POST", "/password/forgot", {"email": "x\x00@example.org"}),
    ("trainee", "POST", "/profile", {"display_name": "A\x00B", "timezone": "Europe/London"}),
    ("trainee", "POST", "/mentoring/sessions/{booking}/cancel", {"reason": "ill\x00"}),
    ("mentor", "POST", "/sign-offs/{sign_off}/decide", {"decision": "return", "comment": "more\x00", "version": "1"}),
    ("admin", "GET", "/admin/users?q=%00", None),
    ("admin", "GET", "/admin/certificates?q=%00", None),
    ("anonymous", "GET", "/mentoring/feed/%00.ics", None),
    ("anonymous", "GET", "/verify/%00", None),
    ("anonymous", "GET", "/admin/users?q=a%01b", None),
    ("anonymous", "POST", "/sign-in", {"email": "trainee@example.org", "password": "x\x7f"}),
]


def _as(client, world, role):
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = world["people"][role].get_id()
            session["_fresh"] = True


@pytest.mark.parametrize("role, method, url, data", NUL_REACHED_THE_DATABASE)
def test_control_characters_are_refused_with_a_message(client, world, role, method, url, data):
    _as(client, world, role)
    response = client.open(url.format(**world["ids"]), method=method, data=data)
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.get_data(as_text=True)


def test_tabs_and_line_breaks_are_kept_in_a_form_body(client, world):
    _as(client, world, "trainee")
    response = client.post(f"/mentoring/sessions/{world['ids']['booking']}/cancel",
                           data={"reason": "Ill.\r\n\tSorry."})
    assert response.status_code == 302


def test_a_query_string_refuses_line_breaks(client, world):
    _as(client, world, "admin")
    assert client.get("/admin/users?q=a%0Ab").status_code == 400


def test_a_sign_off_answer_and_an_attachment_name_with_a_nul_are_refused(
        client, login_as, make_user, make_organisation, make_run, enrol, finish_module):
    trainee, _ = ready_trainee(make_user, make_organisation, make_run, enrol, finish_module,
                               mentors=[make_user("mentor")])
    login_as(trainee)
    assert post_request(client, answer="My answer\x00").status_code == 400
    response = post_request(client, file=("evil\x00.pdf", pdf_bytes()))
    assert response.status_code == 400 and CONTROL_MESSAGE in response.get_data(as_text=True)


def test_marking_without_a_comment_field_saves_the_mark(client, world):
    _as(client, world, "mentor")
    response = client.post(f"/answers/{world['ids']['written_answer']}/mark", data={"score": "1"})
    assert response.status_code == 302


def test_a_sign_off_decision_with_a_version_that_is_not_a_number_is_refused_beside_the_field(client, world):
    _as(client, world, "mentor")
    response = client.post(f"/sign-offs/{world['ids']['sign_off']}/decide",
                           data={"decision": "return", "comment": "More.", "version": "abc"})
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)


def test_a_sign_off_decision_with_the_right_version_still_goes_through(client, world):
    from modules.models import SignOff

    _as(client, world, "mentor")
    sign_off = db.session.get(SignOff, world["ids"]["sign_off"])
    assert post_decision(client, sign_off, "return", comment="More, please.").status_code == 302


@pytest.mark.parametrize("path", ["/admin/runs/new", "/admin/runs/{run}/edit"])
@pytest.mark.parametrize("course_id", ["99999999999", str(MAX_INT + 1), "-99999999999"])
def test_a_course_id_out_of_range_is_refused_beside_the_field(client, world, path, course_id):
    _as(client, world, "admin")
    response = client.post(path.format(**world["ids"]), data={
        "course_id": course_id, "start_date": "2030-01-10", "enrol_opens": "2030-01-01", "enrol_closes": "2030-01-05",
        "session_start": "10:00", "session_end": "12:00", "timezone": "Europe/London", "venue": "Room",
        "capacity": "10"})
    assert response.status_code == 200
    assert "Choose one of the options in the list." in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["99999999999", "-99999999999", "2147483648"])
def test_an_integer_field_out_of_range_is_refused_beside_the_field(client, world, value):
    _as(client, world, "mentor")
    response = client.post(f"/quizzes/{world['ids']['quiz']}/learners/{world['ids']['trainee_id']}/adjustment",
                           data={"extra_minutes": value, "extra_attempts": "0"})
    assert response.status_code == 400
    assert "Enter from 0 to 600 minutes." in response.get_data(as_text=True)


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        if ints:
            yield rule, ints


def test_every_integer_in_a_url_beyond_the_columns_range_is_not_found(app, client, world):
    """`<int:...>` takes any size; ids past 2**31 - 1 never exist, and PostgreSQL refuses to compare with them."""
    _as(client, world, "admin")
    checked = 0
    for rule, ints in _int_rules(app):
        values = {name: "1" for name in rule.arguments} | {name: "99999999999" for name in ints}
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert client.open(url, method=method).status_code == 404, f"{method} {url}"
            checked += 1
    assert checked > 20


def test_an_integer_in_range_still_routes(client, world):
    assert client.get(f"/runs/{world['ids']['run']}").status_code == 200
    assert client.get(f"/runs/{MAX_INT}").status_code == 404


def test_a_newline_in_next_after_a_right_password_never_reaches_the_location_header(client, world):
    for target in ("/%0A/x", "/%0D%0ASet-Cookie:x=1", quote("/\n/x")):
        response = client.post(f"/sign-in?next={target}",
                               data={"email": world["people"]["trainee"].email, "password": TEST_PASSWORD})
        assert response.status_code in (302, 400)
        assert "\n" not in response.headers.get("Location", "") and "\r" not in response.headers.get("Location", "")
        client.post("/sign-out")


def test_an_uploaded_file_named_with_a_nul_keeps_no_nul():
    from modules.evidence import check_file

    assert "\x00" not in check_file("evil\x00.pdf", pdf_bytes()).name
    assert check_file("évidence.pdf", pdf_bytes()).name == "évidence.pdf"




def test_a_page_number_past_what_an_offset_holds_is_not_found(client, world):
    _as(client, world, "admin")
    for url in ("/admin/users?page=99999999999999999999", "/admin/runs?page=2147483647", "/notices?page=10000000000",
                "/admin/users?per_page=99999999999"):
        assert client.get(url).status_code in (200, 404), url


def test_a_workshop_run_without_its_session_end_is_refused_beside_the_field(client, world):
    _as(client, world, "admin")
    workshop = db.session.get(Run, world["ids"]["run"]).course_id  # ids differ between databases
    response = client.post(f"/admin/runs/{world['ids']['run']}/edit", data={
        "course_id": str(workshop), "start_date": "2030-01-10", "enrol_opens": "2030-01-01", "enrol_closes": "2030-01-05",
        "session_start": "10:00", "timezone": "Europe/London", "venue": "Room", "capacity": "10"})
    assert response.status_code == 200
    assert "needs the session&#39;s start and end times" in response.get_data(as_text=True)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_are_refused(client, world, day):
    _as(client, world, "admin")
    response = client.post("/admin/runs/new", data={
        "course_id": "1", "start_date": day, "enrol_opens": day, "enrol_closes": day, "session_start": "10:00",
        "session_end": "12:00", "timezone": "Asia/Tokyo", "venue": "Room", "capacity": "10"})
    assert response.status_code == 200 and "Enter a date from 1900 to 2999." in response.get_data(as_text=True)
    _as(client, world, "mentor")
    assert client.get(f"/mentoring/week?start={day}").status_code == 404
