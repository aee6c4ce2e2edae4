"""Each person's e-mail settings: the page, the defaults, and the one check every notice e-mail goes through."""
from accounts.models import EmailNotice, NotificationSettings
from accounts.notifications import mail_notice, save_settings, wants_email
from core.extensions import db

EVERYTHING_OFF = {name: "" for name in NotificationSettings.DEFAULTS}


def test_without_a_choice_everyone_gets_what_they_got_before(db, make_user):
    person = make_user("trainee")
    assert all(wants_email(person, notice) for notice in EmailNotice)
    settings = NotificationSettings.of(person.id)
    assert [reminder.name for reminder in settings.reminders] == ["DAY_BEFORE"]
    assert db.session.get(NotificationSettings, person.id) is None  # the defaults are not written


def test_the_form_has_a_box_for_every_setting(app):
    from accounts.forms import NotificationSettingsForm

    with app.test_request_context():
        form = NotificationSettingsForm(offers_digest=True)
    assert set(form.reminder_fields) | set(form.notice_fields) | {"weekly_digest"} == set(NotificationSettings.DEFAULTS)
    assert {notice.setting for notice in EmailNotice} == set(form.notice_fields)


def test_a_person_chooses_on_a_page_linked_from_their_profile(client, login_as, make_user):
    person, other = make_user("leader"), make_user("trainee")
    login_as(person)
    assert 'href="/profile/notifications"' in client.get("/profile").text
    page = client.get("/profile/notifications")
    assert page.status_code == 200
    assert "24 hours before" in page.text and "1 hour before" in page.text
    assert page.text.count("checked") == 5  # the defaults: every notice and the day-before reminder
    response = client.post("/profile/notifications", data={"remind_hour_before": "y", "email_run_changes": "y"})
    assert response.status_code == 302
    settings = db.session.get(NotificationSettings, person.id)
    assert (settings.remind_day_before, settings.remind_hour_before) == (False, True)
    assert not wants_email(person, EmailNotice.SIGN_OFF_STEPS) and wants_email(person, EmailNotice.RUN_CHANGES)
    assert wants_email(other, EmailNotice.SIGN_OFF_STEPS)  # nobody else's settings change
    again = client.post("/profile/notifications", data={"remind_hour_before": "y", "email_run_changes": "y"})
    assert again.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(NotificationSettings)) == 1


def test_the_page_needs_a_signed_in_person(client):
    assert client.get("/profile/notifications").status_code in (302, 401)


def test_mail_notice_queues_only_what_the_person_wants(app, make_user, outbox):
    person = make_user("trainee")
    save_settings(person, {**NotificationSettings.DEFAULTS, "email_marking_finished": False})
    with app.test_request_context():
        assert not mail_notice(person, EmailNotice.MARKING_FINISHED, "Marked", "Body")
        assert mail_notice(person, EmailNotice.RUN_CHANGES, "Enrolled", "Body")
    db.session.commit()
    assert [m["Subject"] for m in outbox(person.email)] == ["Enrolled"]


def test_only_a_projects_leader_is_offered_the_weekly_digest(client, login_as, make_user, make_organisation):
    trainee = make_user("trainee", make_organisation())
    login_as(trainee)
    assert "weekly digest" not in client.get("/profile/notifications").text
    client.post("/profile/notifications", data={"weekly_digest": "y", "remind_day_before": "y"})
    assert NotificationSettings.of(trainee.id).weekly_digest is False
    leader = make_user("leader", make_organisation())
    login_as(leader)
    assert "A weekly digest of my project" in client.get("/profile/notifications").text
    client.post("/profile/notifications", data={"weekly_digest": "y"})
    assert NotificationSettings.of(leader.id).weekly_digest is True


def test_the_time_zone_select_is_marked_for_search_and_still_checked_on_the_server(client, login_as, make_user):
    person = login_as(make_user("trainee"))
    page = client.get("/profile").text
    assert 'data-zone-search' in page and "zone-select.js" in page
    for bad in ("Mars/Olympus", "Europe/London\x00", "Europe/" + "x" * 5000, ""):
        response = client.post("/profile", data={"display_name": "Someone", "timezone": bad})
        assert response.status_code in (200, 400), bad
        assert response.status_code == 400 or "Choose a time zone from the list." in response.text
    db.session.refresh(person)
    assert person.timezone == "Europe/London"


def test_odd_input_on_the_settings_page_is_refused_or_read_as_a_tick(client, login_as, make_user):
    person = login_as(make_user("trainee"))
    assert client.post("/profile/notifications", data={"remind_hour_before": "\x00"}).status_code == 400
    assert db.session.get(NotificationSettings, person.id) is None
    response = client.post("/profile/notifications", data={"remind_hour_before": "9" * 5000,
                                                           "email_run_changes": ["y", "y"], "unknown": "x"})
    assert response.status_code == 302
    settings = db.session.get(NotificationSettings, person.id)
    assert settings.remind_hour_before and settings.email_run_changes and not settings.email_sign_off_steps
