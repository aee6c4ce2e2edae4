"""Check-in at the door (search, QR ticket, two organisers at once), hours attended, attendance certificates."""
import csv
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

from sqlalchemy import func, select

from events.models import AttendanceCertificate, EventCheckIn, RegistrationState, SessionKind
from tests.events.helpers import attend, new_event, new_registration, new_session


def _count(db, model):
    return db.session.scalar(select(func.count(model.id)))


def test_the_organiser_finds_a_person_and_checks_them_in_once(client, db, login_as, make_user):
    organiser = make_user("mentor", name="Olu Organiser")
    event = new_event(organiser=organiser)
    ada = make_user("trainee", name="Ada Lovelace")
    waiting = make_user("trainee", name="Ada Waiting")
    registration = new_registration(event, ada)
    new_registration(event, waiting, RegistrationState.WAITLISTED)
    login_as(organiser)
    day = event.days[0].isoformat()

    page = client.get(f"/events/{event.id}/check-in", query_string={"q": "ada"}).text
    assert "Ada Lovelace" in page and "Ada Waiting" not in page and "0</strong> of 1 checked in" in page
    by_code = client.get(f"/events/{event.id}/check-in",
                         query_string={"q": registration.code.lower().replace("-", " ")}).text
    assert "Ada Lovelace" in by_code

    data = {"registration_id": registration.id, "day": day, "q": "ada"}
    response = client.post(f"/events/{event.id}/check-ins", data=data)
    assert response.status_code == 302 and "q=ada" in response.headers["Location"]
    assert "Ada Lovelace is checked in." in client.get(response.headers["Location"]).text
    again = client.post(f"/events/{event.id}/check-ins", data=data, follow_redirects=True).text
    assert "Ada Lovelace was already checked in at" in again and "by Olu Organiser" in again
    assert _count(db, EventCheckIn) == 1 and _count(db, AttendanceCertificate) == 1
    assert "1</strong> of 1 checked in" in again


def test_check_in_refuses_people_without_a_place_and_other_events(client, db, login_as, make_user):
    organiser = make_user("mentor")
    event, other = new_event(organiser=organiser), new_event(organiser=organiser)
    waiting = new_registration(event, make_user("trainee", name="Wendy Waiting"), RegistrationState.WAITLISTED)
    elsewhere = new_registration(other, make_user("trainee"))
    login_as(organiser)
    day = event.days[0].isoformat()
    refused = client.post(f"/events/{event.id}/check-ins", data={"registration_id": waiting.id, "day": day},
                          follow_redirects=True)
    assert "Wendy Waiting does not hold a place (on the waitlist)." in refused.text
    assert client.post(f"/events/{event.id}/check-ins",
                       data={"registration_id": elsewhere.id, "day": day}).status_code == 404
    assert client.post(f"/events/{event.id}/check-ins",
                       data={"registration_id": elsewhere.id, "day": "2031-01-01"}).status_code == 400
    assert _count(db, EventCheckIn) == 0


def test_the_ticket_shows_a_qr_code_that_leads_the_organiser_to_check_in(client, db, login_as, make_user):
    organiser = make_user("mentor")
    event = new_event(organiser=organiser)
    trainee = make_user("trainee", name="Tariq Trainee")
    registration = new_registration(event, trainee)
    login_as(trainee)
    ticket = client.get(f"/event-registrations/{registration.id}/ticket").text
    assert "<svg" in ticket and "qr-code" in ticket and registration.code in ticket
    assert f"/event-registrations/{registration.id}/ticket" in client.get(f"/events/{event.id}").text
    assert client.get(f"/events/{event.id}/check-in/{registration.code}").status_code == 403

    login_as(organiser)
    page = client.get(f"/events/{event.id}/check-in/{registration.code}")
    assert page.status_code == 200 and "Tariq Trainee" in page.text and "Check in for" in page.text
    assert client.get(f"/events/{event.id}/check-in/AAAA-BBBB-CCCC-DDDD").status_code == 404
    assert client.get(f"/events/{event.id}/check-in/not-a-code").status_code == 404


def test_hours_count_the_programme_on_the_days_attended_and_the_certificate_verifies(client, db, login_as,
                                                                                    make_user):
    organiser = make_user("mentor")
    event = new_event(days=2, starts_in=timedelta(days=-10), organiser=organiser)
    new_session(event, "Keynote", start=time(10), minutes=60)
    new_session(event, "Stream A", start=time(11), minutes=90, room="A")
    new_session(event, "Stream B", start=time(11), minutes=60, room="B")
    new_session(event, "Lunch", start=time(12, 30), minutes=60, kind=SessionKind.BREAK)
    new_session(event, "Day two", day=1, start=time(10), minutes=120)
    trainee = make_user("trainee", name="Hana Hours")
    registration = new_registration(event, trainee)
    certificate = attend(registration, organiser, day=0)

    login_as(trainee)
    assert "Download my attendance certificate" in client.get(f"/events/{event.id}").text
    pdf = client.get(f"/event-registrations/{registration.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    page = client.get(f"/verify/attendance/{certificate.code}").text
    assert "Hana Hours" in page and ">2.5<" in page  # 10:00-12:30, streams counted once, lunch left out
    redirect = client.get(f"/verify/{certificate.code.lower()}", follow_redirects=False)
    assert redirect.status_code == 302  # normalised first
    found = client.get(f"/verify/{certificate.code}")
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/verify/attendance/{certificate.code}")

    attend(registration, organiser, day=1)
    assert ">4.5<" in client.get(f"/verify/attendance/{certificate.code}").text
    assert client.get("/verify/attendance/AAAA-BBBB-CCCC-DDDD").status_code == 404

    login_as(make_user("trainee"))
    assert client.get(f"/event-registrations/{registration.id}/certificate.pdf").status_code == 403


def test_no_certificate_before_the_event_is_over(client, db, login_as, make_user):
    organiser = make_user("mentor")
    registration = new_registration(new_event(organiser=organiser), login_as(make_user("trainee")))
    attend(registration, organiser)
    assert client.get(f"/event-registrations/{registration.id}/certificate.pdf").status_code == 403


def test_the_attendance_list_exports_days_and_hours_safely(client, db, login_as, make_user):
    organiser = make_user("mentor")
    event = new_event(organiser=organiser)
    new_session(event, start=time(10), minutes=45)
    attend(new_registration(event, make_user("trainee", name="=HYPERLINK(\"x\")")), organiser)
    new_registration(event, make_user("trainee", name="Absent Person"))
    login_as(organiser)
    response = client.get(f"/events/{event.id}/attendance.csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["Name", "E-mail", "Project", "Days checked in", "Hours", "Sessions chosen"]
    assert rows[1][0] == "'=HYPERLINK(\"x\")" and rows[1][3] == event.days[0].isoformat() and rows[1][4] == "0.75"
    assert rows[2][0] == "Absent Person" and rows[2][3:] == ["", "0", ""]


def test_two_organisers_checking_in_the_same_person_at_once_make_one_check_in(db, live_server, http_session_for,
                                                                            make_user):
    organisers = [make_user("mentor"), make_user("admin")]
    event = new_event(organiser=organisers[0])
    people = [new_registration(event, make_user("trainee")) for _ in range(5)]
    sessions = [http_session_for(organiser) for organiser in organisers]
    db.session.commit()
    day = event.days[0].isoformat()

    def check_in(args):
        session, registration_id = args
        return session.post(f"{live_server}/events/{event.id}/check-ins",
                            data={"registration_id": registration_id, "day": day},
                            allow_redirects=False, timeout=60).status_code

    work = [(session, registration.id) for registration in people for session in sessions for _ in range(2)]
    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        statuses = list(pool.map(check_in, work))
    assert statuses == [302] * len(work)
    assert _count(db, EventCheckIn) == len(people) and _count(db, AttendanceCertificate) == len(people)
