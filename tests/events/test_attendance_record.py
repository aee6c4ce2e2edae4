"""Attendance feeds the person's record: the events checked in at, with hours, on their dashboard and their leader's
report of them, and the attendance certificate linked from both."""
from datetime import date, time, timedelta

from events.checkin import attendance_record
from events.models import SessionKind
from tests.events.helpers import attend, new_event, new_registration, new_session, utc


def test_the_record_counts_the_sessions_of_the_days_checked_in_once_each():
    rows = [
        # registration, title, starts, ends, zone, day checked in, session starts, session ends, certificate
        (7, "Conference", utc(2030, 5, 1, 8), utc(2030, 5, 2, 16), "Europe/London", date(2030, 5, 1),
         utc(2030, 5, 1, 9), utc(2030, 5, 1, 10, 30), 3),
        (7, "Conference", utc(2030, 5, 1, 8), utc(2030, 5, 2, 16), "Europe/London", date(2030, 5, 1),
         utc(2030, 5, 1, 10), utc(2030, 5, 1, 11), 3),  # overlaps the first: counted once
        (7, "Conference", utc(2030, 5, 1, 8), utc(2030, 5, 2, 16), "Europe/London", date(2030, 5, 1),
         utc(2030, 5, 2, 9), utc(2030, 5, 2, 12), 3),  # the second day: not checked in
        (9, "Webinar", utc(2029, 1, 1, 8), utc(2029, 1, 1, 10), "Europe/London", date(2029, 1, 1), None, None, None),
    ]
    conference, webinar = attendance_record(rows)
    assert (conference.registration_id, conference.days, conference.hours, conference.has_certificate) \
        == (7, [date(2030, 5, 1)], 2.0, True)
    assert (webinar.days, webinar.hours, webinar.has_certificate) == ([date(2029, 1, 1)], 0, False)


def test_attended_events_show_on_the_dashboard_and_the_leaders_report(client, db, login_as, make_user,
                                                                      make_organisation):
    organisation = make_organisation()
    trainee, leader = make_user("trainee", organisation), make_user("leader", organisation)
    organiser = make_user("mentor")
    past = new_event("Evidence conference", days=2, starts_in=timedelta(days=-30), organiser=organiser)
    new_session(past, "Opening", start=time(10), minutes=90)
    new_session(past, "Lunch", start=time(12), minutes=60, kind=SessionKind.BREAK)
    new_session(past, "Day two", day=1, start=time(10), minutes=120)
    registration = new_registration(past, trainee)
    attend(registration, organiser, day=0)
    upcoming = new_event("Next workshop")
    attend(new_registration(upcoming, trainee), organiser)  # checked in early by mistake: no certificate link yet
    new_registration(new_event("Not attended", starts_in=timedelta(days=-10)), trainee)

    login_as(trainee)
    dashboard = client.get("/dashboard").text
    assert "Events attended (CPD)" in dashboard and "1.5 hours of training at 2 events" in dashboard
    assert "Evidence conference" in dashboard and "Not attended" not in dashboard
    certificate_link = f"/event-registrations/{registration.id}/certificate.pdf"
    assert dashboard.count("/certificate.pdf") == 1 and certificate_link in dashboard
    assert client.get(certificate_link).status_code == 200

    login_as(leader)
    report_url = f"/organisations/{organisation.id}/members/{trainee.id}/report"
    report = client.get(report_url).text
    assert "Events attended (CPD)" in report and "1.5 hours of training in all" in report
    assert certificate_link in report and client.get(certificate_link).status_code == 200
    assert client.get(report_url + ".pdf").status_code == 200

    login_as(make_user("trainee", organisation))
    assert "Events attended (CPD)" not in client.get("/dashboard").text
