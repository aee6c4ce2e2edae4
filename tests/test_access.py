"""The access matrix: every URL rule × every role, allowed or refused.

A new route without an entry in RULES fails `test_every_route_has_an_entry`,
so nobody can add a page without deciding who may use it.
"""
import pytest

from accounts.models import Invitation, OrganisationState
from certificates.models import Certificate
from certificates.operations import new_code
from core.db import utcnow
from core.extensions import db
from core.mail import MailState, OutgoingMail
from courses.loader import apply_curriculum
from courses.models import EnrolmentState
from mentoring.bookings import profile_of
from modules.quiz_views import QUESTIONS_PER_PAGE
from tests.accounts.security_helpers import add_security_world
from tests.conftest import TEST_PASSWORD, new_enrolment, new_organisation, new_run, new_user
from tests.events.helpers import add_event_world
from tests.events.media_helpers import add_media_world, slides_file
from tests.mentoring.helpers import add_world, first_free
from tests.modules.quiz_helpers import add_quiz_world
from tests.modules.signoff_helpers import add_sign_off_world
from tests.plans.helpers import ANSWERS, add_plans_world
from tests.privacy.helpers import add_world as add_privacy_world

# "other_mentor" mentors a different run: they share the mentor's role but none of the trainee's runs.
ROLES = ["anonymous", "trainee", "other_trainee", "leader", "other_leader", "mentor", "other_mentor", "admin"]
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN = {"admin"}

# (endpoint, method) -> (url template filled from the world, who is allowed)
RULES = {
    ("static", "GET"): ("/static/app.css", EVERYONE),
    ("bootstrap.static", "GET"): ("/bootstrap/static/css/bootstrap.min.css", EVERYONE),
    ("courses.catalogue", "GET"): ("/", EVERYONE),
    ("courses.show_course", "GET"): ("/courses/appeals-workshop", EVERYONE),
    ("courses.show_run", "GET"): ("/runs/{run}", EVERYONE),
    ("courses.enrol_self", "POST"): ("/runs/{run}/enrol", {"trainee", "other_trainee", "leader", "other_leader"}),
    ("courses.withdraw_enrolment", "POST"): ("/enrolments/{enrolment}/withdraw", {"trainee", "leader", "admin"}),
    ("courses.enrol_members", "GET"): ("/runs/{run}/enrol-members", {"leader", "other_leader"}),
    ("courses.enrol_members", "POST"): ("/runs/{run}/enrol-members", {"leader", "other_leader"}),
    ("dashboards.dashboard", "GET"): ("/dashboard", SIGNED_IN),
    ("courses.list_runs", "GET"): ("/admin/runs", ADMIN),
    ("courses.create_run", "GET"): ("/admin/runs/new", ADMIN),
    ("courses.create_run", "POST"): ("/admin/runs/new", ADMIN),
    ("courses.edit_run", "GET"): ("/admin/runs/{run}/edit", ADMIN),
    ("courses.edit_run", "POST"): ("/admin/runs/{run}/edit", ADMIN),
    # The competency matrix: the organisation's own leaders and administrators; the list of matrices: administrators.
    ("team.show_matrix", "GET"): ("/organisations/{organisation}/matrix", {"leader", "admin"}),
    ("team.export_matrix", "GET"): ("/organisations/{organisation}/matrix.csv", {"leader", "admin"}),
    ("team.show_behind", "GET"): ("/organisations/{organisation}/behind-schedule", {"leader", "admin"}),
    ("team.list_matrices", "GET"): ("/admin/matrix", ADMIN),
    # A trainee's report: the trainee, their project's leaders and administrators.
    ("team.show_report", "GET"): ("/organisations/{organisation}/members/{trainee_id}/report", {"trainee", "leader", "admin"}),
    ("team.download_report", "GET"): ("/organisations/{organisation}/members/{trainee_id}/report.pdf",
                                      {"trainee", "leader", "admin"}),
    # Certificates: the trainee's own, their leader sees it, administrators manage; verification is public.
    ("certificates.download_certificate", "GET"): ("/certificates/{certificate}.pdf", {"trainee", "leader", "admin"}),
    ("certificates.reissue_certificate", "POST"): ("/certificates/{certificate}/reissue", {"trainee", "admin"}),
    ("certificates.verify_form", "GET"): ("/verify", EVERYONE),
    ("certificates.verify_certificate", "GET"): ("/verify/{certificate_code}", EVERYONE),
    ("certificates.list_certificates", "GET"): ("/admin/certificates", ADMIN),
    ("certificates.revoke_certificate", "GET"): ("/admin/certificates/{certificate}/revoke", ADMIN),
    ("certificates.revoke_certificate", "POST"): ("/admin/certificates/{certificate}/revoke", ADMIN),
    ("modules.show_module", "GET"): ("/modules/appeals-basics", EVERYONE),
    ("modules.list_module_reviews", "GET"): ("/admin/modules", ADMIN),
    ("modules.show_lesson", "GET"): ("/modules/appeals-basics/lessons/01-routes",
                            {"trainee", "mentor", "other_mentor", "admin"}),
    # Quizzes: the trainee's own attempt; mentors of the trainee's run and admins review, mark and adjust.
    ("modules.show_quiz", "GET"): ("/modules/appeals-basics/quiz", {"trainee", "mentor", "other_mentor", "admin"}),
    ("modules.start_quiz", "POST"): ("/modules/appeals-basics/quiz/start", {"trainee"}),
    ("modules.take_attempt", "GET"): ("/attempts/{attempt}", {"trainee"}),
    ("modules.take_attempt", "POST"): ("/attempts/{attempt}", {"trainee"}),
    ("modules.autosave_answer", "POST"): ("/attempts/{attempt_in_progress}/answers/{answer_in_progress}", {"trainee"}),
    ("modules.submit_attempt", "GET"): ("/attempts/{attempt}/submit", {"trainee"}),
    ("modules.submit_attempt", "POST"): ("/attempts/{attempt}/submit", {"trainee"}),
    ("modules.review_attempt", "GET"): ("/attempts/{attempt}/review", {"trainee", "mentor", "admin"}),
    ("modules.marking_queue", "GET"): ("/marking", {"mentor", "other_mentor", "admin"}),
    ("modules.mark_answer", "GET"): ("/answers/{written_answer}/mark", {"mentor", "admin"}),
    ("modules.mark_answer", "POST"): ("/answers/{written_answer}/mark", {"mentor", "admin"}),
    ("modules.grant_quiz_adjustment", "GET"): ("/quizzes/{quiz}/learners/{trainee_id}/adjustment", {"mentor", "admin"}),
    ("modules.grant_quiz_adjustment", "POST"): ("/quizzes/{quiz}/learners/{trainee_id}/adjustment", {"mentor", "admin"}),
    ("modules.show_analysis", "GET"): ("/admin/quizzes/{quiz}/analysis", ADMIN),
    ("modules.export_analysis", "GET"): ("/admin/quizzes/{quiz}/analysis.csv", ADMIN),
    ("modules.list_regrades", "GET"): ("/admin/quizzes/{quiz}/regrade", ADMIN),
    ("modules.regrade", "POST"): ("/admin/questions/{question}/regrade", ADMIN),
    # Sign-off: the trainee asks; the mentors of the trainee's run decide; the trainee's leader follows it.
    ("modules.request_module_sign_off", "GET"): ("/modules/appeals-basics/sign-off", {"trainee"}),
    ("modules.request_module_sign_off", "POST"): ("/modules/appeals-basics/sign-off", {"trainee"}),
    ("modules.sign_off_queue", "GET"): ("/sign-offs", {"mentor", "other_mentor", "admin"}),
    ("modules.show_sign_off", "GET"): ("/sign-offs/{sign_off}", {"trainee", "leader", "mentor", "admin"}),
    ("modules.decide_sign_off", "POST"): ("/sign-offs/{sign_off}/decide", {"mentor"}),
    ("modules.revoke_module_sign_off", "POST"): ("/sign-offs/{sign_off}/revoke", {"mentor", "admin"}),
    ("modules.download_evidence", "GET"): ("/sign-offs/{sign_off}/versions/1/file", {"trainee", "leader", "mentor", "admin"}),
    ("accounts.list_notices", "GET"): ("/notices", SIGNED_IN),
    ("accounts.mark_notices_read", "POST"): ("/notices/read", SIGNED_IN),
    ("accounts.sign_in", "GET"): ("/sign-in", EVERYONE),
    ("accounts.sign_in", "POST"): ("/sign-in", EVERYONE),
    ("accounts.sign_out", "POST"): ("/sign-out", SIGNED_IN),
    ("accounts.register", "GET"): ("/register", EVERYONE),
    ("accounts.register", "POST"): ("/register", EVERYONE),
    ("accounts.finish_registration", "GET"): ("/register/{registration_token}", EVERYONE),
    ("accounts.finish_registration", "POST"): ("/register/{registration_token}", EVERYONE),
    ("accounts.request_password_reset", "GET"): ("/password/forgot", EVERYONE),
    ("accounts.request_password_reset", "POST"): ("/password/forgot", EVERYONE),
    ("accounts.reset_password", "GET"): ("/password/reset/{reset_token}", EVERYONE),
    ("accounts.reset_password", "POST"): ("/password/reset/{reset_token}", EVERYONE),
    ("accounts.edit_profile", "GET"): ("/profile", SIGNED_IN),
    ("accounts.edit_profile", "POST"): ("/profile", SIGNED_IN),
    ("accounts.end_other_sessions", "POST"): ("/profile/sessions/end-others", SIGNED_IN),
    ("accounts.edit_notifications", "GET"): ("/profile/notifications", SIGNED_IN),
    ("accounts.edit_notifications", "POST"): ("/profile/notifications", SIGNED_IN),
    # The audit log: administrators search it; everybody reads their own entries.
    ("accounts.show_security_activity", "GET"): ("/profile/security", SIGNED_IN),
    ("accounts.list_audit_entries", "GET"): ("/admin/audit", ADMIN),
    # Two-factor sign-in (the world's mentor has it on): each person's own; administrators reset someone else's.
    # The second step of signing in needs a password just given: without one, back to the sign-in page (someone
    # signed in already goes to their dashboard).
    ("accounts.verify_two_factor", "GET"): ("/sign-in/two-factor", SIGNED_IN),
    ("accounts.verify_two_factor", "POST"): ("/sign-in/two-factor", SIGNED_IN),
    ("accounts.set_up_two_factor", "GET"): ("/profile/two-factor", SIGNED_IN),
    ("accounts.set_up_two_factor", "POST"): ("/profile/two-factor", SIGNED_IN),
    ("accounts.replace_recovery_codes", "POST"): ("/profile/two-factor/recovery-codes", {"mentor"}),
    ("accounts.disable_two_factor", "POST"): ("/profile/two-factor/disable", {"mentor"}),
    ("accounts.reset_two_factor", "POST"): ("/admin/users/{mentor_id}/two-factor/reset", ADMIN),
    ("accounts.show_organisation", "GET"): ("/organisations/{organisation}", {"leader", "admin"}),
    ("accounts.invite_members", "POST"): ("/organisations/{organisation}/invitations", {"leader", "admin"}),
    ("accounts.import_team", "GET"): ("/organisations/{organisation}/import", {"leader", "admin"}),
    ("accounts.import_team", "POST"): ("/organisations/{organisation}/import", {"leader", "admin"}),
    ("accounts.revoke_invitation", "POST"): ("/invitations/{invitation}/revoke", {"leader", "admin"}),
    # A project's leader deactivates its trainees (someone leaving); administrators anyone.
    ("accounts.deactivate_member", "GET"): ("/organisations/{organisation}/members/{trainee_id}/deactivate",
                                           {"leader", "admin"}),
    ("accounts.deactivate_member", "POST"): ("/organisations/{organisation}/members/{trainee_id}/deactivate",
                                            {"leader", "admin"}),
    ("accounts.accept_invitation", "GET"): ("/invitations/accept/{invitation_token}", EVERYONE),
    ("accounts.accept_invitation", "POST"): ("/invitations/accept/{invitation_token}", EVERYONE),
    ("accounts.list_organisations", "GET"): ("/admin/organisations", ADMIN),
    ("accounts.decide_organisation", "POST"): ("/admin/organisations/{pending_organisation}/decide", ADMIN),
    ("accounts.list_users", "GET"): ("/admin/users", ADMIN),
    ("accounts.list_outgoing_mail", "GET"): ("/admin/mail", ADMIN),
    ("accounts.retry_outgoing_mail", "POST"): ("/admin/mail/{outgoing_mail}/retry", ADMIN),
    ("accounts.invite_mentors", "GET"): ("/admin/mentors/invite", ADMIN),
    ("accounts.invite_mentors", "POST"): ("/admin/mentors/invite", ADMIN),
    ("accounts.create_project", "GET"): ("/admin/projects/new", ADMIN),
    ("accounts.create_project", "POST"): ("/admin/projects/new", ADMIN),
    ("accounts.edit_user", "GET"): ("/admin/users/{trainee_id}", ADMIN),
    ("accounts.edit_user", "POST"): ("/admin/users/{trainee_id}", ADMIN),
    # -- mentoring: a session between "trainee" and "mentor"; nobody else sees it, notes are the mentor's to write
    ("mentoring.list_mentors", "GET"): ("/mentoring/", {"trainee", "other_trainee", "leader", "other_leader"}),
    ("mentoring.book_slot", "GET"): ("/mentoring/mentors/{mentor}/book", {"trainee", "leader", "other_leader"}),
    ("mentoring.book_slot", "POST"): ("/mentoring/mentors/{mentor}/book", {"trainee", "leader", "other_leader"}),
    ("mentoring.list_sessions", "GET"): ("/mentoring/sessions", SIGNED_IN),
    ("mentoring.show_booking", "GET"): ("/mentoring/sessions/{booking}", {"trainee", "mentor"}),
    ("mentoring.cancel_booking", "POST"): ("/mentoring/sessions/{booking}/cancel", {"trainee", "mentor"}),
    ("mentoring.reschedule_booking", "GET"): ("/mentoring/sessions/{booking}/reschedule", {"trainee", "mentor"}),
    ("mentoring.reschedule_booking", "POST"): ("/mentoring/sessions/{booking}/reschedule", {"trainee", "mentor"}),
    ("mentoring.change_place", "GET"): ("/mentoring/sessions/{booking}/place", {"mentor"}),
    ("mentoring.change_place", "POST"): ("/mentoring/sessions/{booking}/place", {"mentor"}),
    ("mentoring.download_booking_calendar", "GET"): ("/mentoring/sessions/{booking}/calendar.ics", {"trainee", "mentor"}),
    ("mentoring.edit_notes", "GET"): ("/mentoring/sessions/{booking}/notes", {"mentor"}),
    ("mentoring.edit_notes", "POST"): ("/mentoring/sessions/{booking}/notes", {"mentor"}),
    ("mentoring.edit_availability", "GET"): ("/mentoring/availability", {"mentor", "other_mentor"}),
    ("mentoring.edit_availability", "POST"): ("/mentoring/availability", {"mentor", "other_mentor"}),
    ("mentoring.show_week", "GET"): ("/mentoring/week", {"mentor", "other_mentor"}),
    ("mentoring.show_overview", "GET"): ("/mentoring/overview", ADMIN),
    ("mentoring.regenerate_feed", "POST"): ("/mentoring/calendar-feed", SIGNED_IN),
    ("mentoring.calendar_feed", "GET"): ("/mentoring/feed/{feed_token}.ics", EVERYONE),
    # -- privacy: everyone signed in downloads their own data; administrators decide requests and export anyone's
    ("privacy.my_data", "GET"): ("/privacy/my-data", SIGNED_IN),
    ("privacy.download_my_data", "GET"): ("/privacy/my-data.zip", SIGNED_IN),
    ("privacy.request_private_notes", "POST"): ("/privacy/my-data/private-notes", SIGNED_IN),
    ("privacy.list_requests", "GET"): ("/admin/privacy", ADMIN),
    ("privacy.export_for_person", "POST"): ("/admin/privacy/export", ADMIN),
    ("privacy.decide_notes_request", "GET"): ("/admin/privacy/notes-requests/{notes_request}", ADMIN),
    ("privacy.decide_notes_request", "POST"): ("/admin/privacy/notes-requests/{notes_request}", ADMIN),
    # -- events: public pages; the event's organiser ("mentor") and administrators edit it; admins create
    ("events.list_events", "GET"): ("/events", EVERYONE),
    ("events.list_past_events", "GET"): ("/events/past", EVERYONE),
    ("events.show_event", "GET"): ("/events/{event}", EVERYONE),
    ("events.show_speaker", "GET"): ("/speakers/{speaker}", EVERYONE),
    ("events.register_self", "POST"): ("/events/{event}/register", SIGNED_IN),
    ("events.register_members", "GET"): ("/events/{event}/register-members", {"leader", "other_leader"}),
    ("events.register_members", "POST"): ("/events/{event}/register-members", {"leader", "other_leader"}),
    ("events.cancel_registration", "POST"): ("/event-registrations/{event_registration}/cancel",
                                             {"trainee", "leader", "mentor", "admin"}),
    ("events.list_registrations", "GET"): ("/events/{event}/registrations", {"mentor", "admin"}),
    ("events.message_registrants", "GET"): ("/events/{event}/messages", {"mentor", "admin"}),
    ("events.message_registrants", "POST"): ("/events/{event}/messages", {"mentor", "admin"}),
    ("events.show_ticket", "GET"): ("/event-registrations/{event_registration}/ticket",
                                    {"trainee", "leader", "mentor", "admin"}),
    # Choosing sessions: whoever may see the registration (the person, their leader, the organiser, administrators).
    ("events.choose_sessions", "GET"): ("/event-registrations/{event_registration}/sessions",
                                        {"trainee", "leader", "mentor", "admin"}),
    ("events.choose_sessions", "POST"): ("/event-registrations/{event_registration}/sessions",
                                         {"trainee", "leader", "mentor", "admin"}),
    ("events.download_attendance_certificate", "GET"): ("/event-registrations/{past_registration}/certificate.pdf",
                                                        {"trainee", "leader", "mentor", "admin"}),
    ("events.check_in_page", "GET"): ("/events/{event}/check-in?q=Person", {"mentor", "admin"}),
    ("events.check_in_person", "POST"): ("/events/{event}/check-ins", {"mentor", "admin"}),
    ("events.check_in_code", "GET"): ("/events/{event}/check-in/{registration_code}", {"mentor", "admin"}),
    ("events.export_attendance", "GET"): ("/events/{past_event}/attendance.csv", {"mentor", "admin"}),
    ("events.verify_attendance", "GET"): ("/verify/attendance/{attendance_code}", EVERYONE),
    # feedback: the survey for those who attended (the trainee was checked in); results for the organiser and admins
    ("events.give_feedback", "GET"): ("/events/{past_event}/feedback", {"trainee"}),
    ("events.give_feedback", "POST"): ("/events/{past_event}/feedback", {"trainee"}),
    ("events.show_feedback_results", "GET"): ("/events/{past_event}/feedback/results", {"mentor", "admin"}),
    ("events.export_feedback", "GET"): ("/events/{past_event}/feedback/results.csv", {"mentor", "admin"}),
    ("events.edit_feedback_settings", "GET"): ("/events/{past_event}/feedback/settings", {"mentor", "admin"}),
    ("events.edit_feedback_settings", "POST"): ("/events/{past_event}/feedback/settings", {"mentor", "admin"}),
    ("events.list_managed_events", "GET"): ("/admin/events", ADMIN),
    ("events.create_event", "GET"): ("/admin/events/new", ADMIN),
    ("events.create_event", "POST"): ("/admin/events/new", ADMIN),
    ("events.edit_event", "GET"): ("/events/{event}/edit", {"mentor", "admin"}),
    ("events.edit_event", "POST"): ("/events/{event}/edit", {"mentor", "admin"}),
    ("events.publish_event", "POST"): ("/events/{event}/publish", {"mentor", "admin"}),
    ("events.add_session", "GET"): ("/events/{event}/sessions/new", {"mentor", "admin"}),
    ("events.add_session", "POST"): ("/events/{event}/sessions/new", {"mentor", "admin"}),
    ("events.edit_session", "GET"): ("/events/{event}/sessions/{event_session}/edit", {"mentor", "admin"}),
    ("events.edit_session", "POST"): ("/events/{event}/sessions/{event_session}/edit", {"mentor", "admin"}),
    ("events.delete_session", "POST"): ("/events/{event}/sessions/{event_session}/delete", {"mentor", "admin"}),
    # recordings and slides: the event's editors add and remove them; slides and photos are as public as the pages
    ("events.add_recording", "POST"): ("/events/{event}/sessions/{event_session}/recordings", {"mentor", "admin"}),
    ("events.upload_slides", "POST"): ("/events/{event}/sessions/{event_session}/slides", {"mentor", "admin"}),
    ("events.remove_material", "POST"): ("/events/{event}/sessions/{event_session}/materials/{recording}/delete",
                                         {"mentor", "admin"}),
    ("events.download_slides", "GET"): ("/events/{event}/slides/{slides}", EVERYONE),
    ("events.show_speaker_photo", "GET"): ("/speakers/{speaker}/photo", EVERYONE),
    ("events.list_speakers", "GET"): ("/admin/speakers", ADMIN),
    ("events.create_speaker", "GET"): ("/admin/speakers/new", ADMIN),
    ("events.create_speaker", "POST"): ("/admin/speakers/new", ADMIN),
    ("events.edit_speaker", "GET"): ("/admin/speakers/{speaker}/edit", ADMIN),
    ("events.edit_speaker", "POST"): ("/admin/speakers/{speaker}/edit", ADMIN),
    # -- plans: a leader's own assessments and plan; their project's leaders and their mentors read them
    ("plans.take_assessment", "GET"): ("/plans/people/{leader_id}/assessment", {"leader"}),
    ("plans.take_assessment", "POST"): ("/plans/people/{leader_id}/assessment", {"leader"}),
    ("plans.list_assessments", "GET"): ("/plans/people/{leader_id}/assessments", {"leader", "mentor"}),
    ("plans.show_assessment", "GET"): ("/plans/assessments/{assessment}", {"leader", "mentor"}),
    # erasure: anyone signed in asks; only the person withdraws; administrators confirm (the request is due)
    ("privacy.request_erasure", "POST"): ("/privacy/my-data/erasure", SIGNED_IN),
    ("privacy.withdraw_erasure", "POST"): ("/privacy/erasure-requests/{erasure_request}/withdraw", {"other_trainee"}),
    ("privacy.erasure_queue", "GET"): ("/admin/privacy/erasures", ADMIN),
    ("privacy.confirm_erasure", "GET"): ("/admin/privacy/erasures/{erasure_request}", ADMIN),
    ("privacy.confirm_erasure", "POST"): ("/admin/privacy/erasures/{erasure_request}", ADMIN),
    # -- search: open to all; what each role finds is tested in tests/search (lessons they may read, people they may see)
    ("search.show_results", "GET"): ("/search?q=appeal", EVERYONE),
    # retention: the privacy page is public; a project's schedule is for its leaders and administrators
    ("privacy.privacy_notice", "GET"): ("/privacy", EVERYONE),
    ("privacy.show_organisation_retention", "GET"): ("/organisations/{organisation}/retention", {"leader", "admin"}),
    ("plans.show_plan", "GET"): ("/plans/people/{leader_id}", {"leader", "mentor"}),
    ("plans.propose_plan", "POST"): ("/plans/people/{leader_id}/propose", {"leader", "mentor"}),
    # the plan's steps and package: the leader and the plan's mentor adjust them together
    ("plans.add_step", "POST"): ("/plans/{plan}/steps", {"leader", "mentor"}),
    ("plans.edit_step", "GET"): ("/plans/{plan}/steps/{plan_item}/edit", {"leader", "mentor"}),
    ("plans.edit_step", "POST"): ("/plans/{plan}/steps/{plan_item}/edit", {"leader", "mentor"}),
    ("plans.drop_step", "POST"): ("/plans/{plan}/steps/{plan_item}/drop", {"leader", "mentor"}),
    ("plans.move_step", "POST"): ("/plans/{plan}/steps/{plan_item}/move", {"leader", "mentor"}),
    ("plans.mark_step", "POST"): ("/plans/{plan}/steps/{plan_item}/done", {"leader", "mentor"}),
    ("plans.edit_package", "GET"): ("/plans/{plan}/package", {"leader", "mentor"}),
    ("plans.edit_package", "POST"): ("/plans/{plan}/package", {"leader", "mentor"}),
    ("plans.agree_package", "POST"): ("/plans/{plan}/package/agree", {"leader", "mentor"}),
    ("plans.list_mentee_plans", "GET"): ("/plans/mentees", {"mentor", "other_mentor"}),
    ("plans.list_team_plans", "GET"): ("/plans/organisations/{organisation}", {"leader"}),
    # the package: the person books it; the session's mentor records it in the plan; both read the summary
    ("plans.book_package", "GET"): ("/plans/{plan}/package/book", {"leader"}),
    ("plans.book_package", "POST"): ("/plans/{plan}/package/book", {"leader"}),
    ("plans.record_session", "GET"): ("/plans/sessions/{plan_booking}", {"mentor"}),
    ("plans.record_session", "POST"): ("/plans/sessions/{plan_booking}", {"mentor"}),
    ("plans.download_summary", "GET"): ("/plans/{plan}/summary.pdf", {"leader", "mentor"}),
    ("plans.show_needs_totals", "GET"): ("/admin/plans", ADMIN),
}

_EVENT = {"title": "Evidence day", "kind": "workshop", "timezone": "Europe/London", "first_day": "{event_day}",
          "day_starts": "09:30", "last_day": "{event_day}", "day_ends": "17:00", "venue": "Moot court",
          "capacity": "50", "registration_opens": "2020-01-01", "registration_closes": "{event_day}",
          "organiser_id": "0"}
_SESSION = {"title": "Eyewitnesses", "kind": "talk", "day": "{event_day}", "starts": "11:00", "ends": "12:00"}


#: form data (filled from the world like the URLs) with which an allowed role's POST does its work,
#: where an empty form would stop at a 400 or 409
FORMS = {
    ("accounts.decide_organisation", "POST"): {"decision": "approve"},
    ("accounts.invite_members", "POST"): {"emails": "newcomer@example.org"},
    ("accounts.invite_mentors", "POST"): {"emails": "new-mentor@example.org"},
    ("accounts.create_project", "POST"): {"organisation_name": "A new project", "institution": "A university",
                                          "nation": "SCOTLAND", "leader_emails": "new-leader@example.org"},
    ("certificates.revoke_certificate", "POST"): {"reason": "Issued in error."},
    ("accounts.set_up_two_factor", "POST"): {"password": TEST_PASSWORD, "code": "{totp_code}"},
    ("accounts.replace_recovery_codes", "POST"): {"codes-password": TEST_PASSWORD, "codes-code": "{totp_code}"},
    ("accounts.disable_two_factor", "POST"): {"disable-password": TEST_PASSWORD, "disable-code": "{totp_code}"},
    ("mentoring.cancel_booking", "POST"): {"reason": "I am ill."},
    ("mentoring.reschedule_booking", "POST"): {"start": "{free_start}"},
    ("mentoring.change_place", "POST"): {"place_type": "ROOM", "place_detail": "Room 2.14, Law School"},
    ("modules.decide_sign_off", "POST"): {"decision": "sign_off", "version": "1",
                                          "criterion_1": "Identifies both grounds."},
    ("modules.revoke_module_sign_off", "POST"): {"reason": "Signed off by mistake."},
    ("modules.grant_quiz_adjustment", "POST"): {"extra_minutes": "10", "extra_attempts": "1"},
    ("modules.mark_answer", "POST"): {"score": "1", "comment": ""},
    ("modules.take_attempt", "POST"): {"shown": "{shown}"},
    ("privacy.export_for_person", "POST"): {"email": "{trainee_email}"},
    ("privacy.decide_notes_request", "POST"): {"decision": "approve"},
    ("events.create_event", "POST"): _EVENT,
    ("events.edit_event", "POST"): _EVENT,
    ("events.publish_event", "POST"): {"publish": "no"},
    ("events.message_registrants", "POST"): {"audience": "registered", "subject": "Rooms", "body": "Room 2.",
                                             "request_key": "world-message", "preview": "Preview"},
    ("events.check_in_person", "POST"): {"registration_id": "{event_registration}", "day": "{event_day}"},
    ("events.add_session", "POST"): _SESSION,
    ("events.edit_session", "POST"): _SESSION,
    ("events.give_feedback", "POST"): {"overall": "4", "comments": "Useful."},
    ("events.edit_feedback_settings", "POST"): {"closes_on": "{event_day}"},
    ("events.create_speaker", "POST"): {"name": "Prof. Jo Reid"},
    ("events.edit_speaker", "POST"): {"name": "Prof. Jo Reid"},
    ("events.add_recording", "POST"): {"recording-url": "https://vimeo.com/1", "recording-request_key": "world-1"},
    ("events.upload_slides", "POST"): {"slides-file": (slides_file(), "slides.pdf"), "slides-request_key": "world-2"},
    ("plans.take_assessment", "POST"): ANSWERS,
    ("plans.add_step", "POST"): {"kind": "goal", "title": "Another goal"},
    ("plans.edit_step", "POST"): {"target_on": "2030-01-01", "title": "World goal", "success_criteria": ""},
    ("plans.move_step", "POST"): {"direction": "up"},
    ("plans.mark_step", "POST"): {"done": "1"},
    ("plans.edit_package", "POST"): {"sessions": "4", "every_weeks": "2", "minutes": "60", "mentor_id": "{mentor}"},
    ("plans.book_package", "POST"): {"start": "{package_start}", "request_key": "world-package"},
    ("plans.record_session", "POST"): {"done": "{plan_item}", "new_actions": "Read the file"},
    ("privacy.request_erasure", "POST"): {"understood": "y"},
    ("privacy.confirm_erasure", "POST"): {"understood": "y"},
}


@pytest.fixture(scope="module")
def world(app, module_transaction, fixture_curriculum):
    """Built once for the module; each case runs in a savepoint rolled back after it (see `db`)."""
    from accounts.operations import invitation_token, password_token, registration_token
    from accounts.sessions import new_session
    from tests.modules.quiz_helpers import awaiting_marking

    apply_curriculum(fixture_curriculum)
    db.session.commit()
    home = new_organisation()
    other = new_organisation()
    pending = new_organisation(state=OrganisationState.PENDING)
    people = {
        "trainee": new_user("trainee", home),
        "other_trainee": new_user("trainee", other),
        "leader": new_user("leader", home),
        "other_leader": new_user("leader", other),
        "mentor": new_user("mentor"),
        "other_mentor": new_user("mentor"),
        "admin": new_user("admin"),
    }
    run = new_run(mentors=[people["mentor"]])
    new_run(mentors=[people["other_mentor"]])
    enrolment = new_enrolment(run, people["trainee"], EnrolmentState.ENROLLED)
    invitation = Invitation(organisation_id=home.id, email="invitee@example.org")
    failed_mail = OutgoingMail(message_id="<lost@casework-academy>", recipient="lost@example.org", subject="Lost",
                               content=b"Subject: Lost\r\n\r\nbody\r\n", state=MailState.FAILED, attempts=8)
    certificate = Certificate(code=new_code(), learner_id=people["trainee"].id, run_id=run.id,
                              name=people["trainee"].display_name, completed_at=utcnow())
    db.session.add_all([invitation, certificate, failed_mail])
    db.session.commit()
    with app.test_request_context():
        tokens = {"reset_token": password_token(people["trainee"]), "invitation_token": invitation_token(invitation),
                  "registration_token": registration_token("newcomer-leader@example.org")}
    ids = {"run": run.id, "enrolment": enrolment.id, "organisation": home.id, "invitation": invitation.id,
           "pending_organisation": pending.id, "trainee_id": people["trainee"].id,
           "certificate": certificate.id, "certificate_code": certificate.code,
           "outgoing_mail": failed_mail.id}
    attempt, written = awaiting_marking(people["trainee"])
    ids |= {"quiz": attempt.quiz_id, "attempt": attempt.id, "written_answer": written.id,
            "question": written.question_id}
    ids |= add_sign_off_world(people["trainee"], run)
    ids |= add_quiz_world(people["trainee"])
    ids |= tokens | add_world(people)
    ids |= add_security_world(people)
    ids |= add_privacy_world(people)
    ids |= add_event_world(people)
    ids |= add_media_world(ids)
    ids |= add_plans_world(people)
    page = attempt.answers[(attempt.last_page - 1) * QUESTIONS_PER_PAGE:attempt.last_page * QUESTIONS_PER_PAGE]
    ids["shown"] = ",".join(str(row.id) for row in page)
    ids["free_start"] = first_free(profile_of(people["mentor"].id), people["trainee"]).isoformat()
    # One open session per role: the cookie names it ("<user id>:<session key>"), as after a real sign-in.
    cookie_ids = {role: new_session(person) and person.get_id() for role, person in people.items()}
    db.session.commit()
    return {"cookie_ids": cookie_ids, "ids": ids, "people": people}


def test_every_route_has_an_entry(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - RULES.keys() == set(), "add the new routes (endpoint, method) to RULES with who may use them"
    assert RULES.keys() - routes == set(), "RULES names routes or methods that no longer exist"


def _allowed(response) -> bool:
    if 200 <= response.status_code < 300:
        return True
    return 300 <= response.status_code < 400 and "/sign-in" not in response.headers.get("Location", "")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint, method", sorted(RULES))
def test_access(client, db, world, endpoint, method, role):
    template, allowed = RULES[endpoint, method]
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = world["cookie_ids"][role]
            session["_fresh"] = True
    url = template.format(**world["ids"])
    data = FORMS.get((endpoint, method), {}) if method == "POST" else None
    data = {key: value.format(**world["ids"]) if isinstance(value, str) else value for key, value in (data or {}).items()}
    response = client.open(url, method=method, data=data or None)
    assert response.status_code < 500
    if role in allowed:
        assert _allowed(response), (f"{role} should reach {method} {url}, got {response.status_code} "
                                    f"{response.headers.get('Location', '')}")
    elif role == "anonymous":
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    else:
        assert response.status_code in (403, 404), f"{role} must not reach {method} {url}, got {response.status_code}"


def test_the_cases_leave_the_world_as_it_was_built(db, world):
    """Runs after the matrix: every POST above (withdraw, revoke, cancel, decide...) was rolled back with its case."""
    from accounts.models import Organisation
    from courses.models import Enrolment
    from events.models import EventRegistration
    from mentoring.models import Booking, BookingState
    from modules.models import SignOff, SignOffState

    ids = world["ids"]
    assert db.session.get(Enrolment, ids["enrolment"]).state == EnrolmentState.ENROLLED
    assert db.session.get(Organisation, ids["pending_organisation"]).state == OrganisationState.PENDING
    assert db.session.get(Booking, ids["booking"]).state == BookingState.CONFIRMED
    assert db.session.get(SignOff, ids["sign_off"]).state == SignOffState.REQUESTED
    assert db.session.get(Invitation, ids["invitation"]).revoked_at is None
    assert db.session.get(Certificate, ids["certificate"]).revoked_at is None
    assert db.session.get(EventRegistration, ids["event_registration"]).is_active
    assert db.session.get(OutgoingMail, ids["outgoing_mail"]).state == MailState.FAILED
