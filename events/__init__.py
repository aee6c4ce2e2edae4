"""Conferences, workshops and webinars: programmes and speakers, the public pages and the archive."""
from flask import Blueprint, Flask

from events import feedback_views, media_views, views
from events.attendance import connect_verification, hours_label
from events.commands import events_cli
from events.media import material_link, talks_about
from events.models import Event, Speaker
from modules.related import also_show

bp = Blueprint("events", __name__)
bp.add_url_rule("/events", view_func=views.list_events)
bp.add_url_rule("/events/past", view_func=views.list_past_events)
bp.add_url_rule("/events/<int:event_id>", view_func=views.show_event)
bp.add_url_rule("/speakers/<int:speaker_id>", view_func=views.show_speaker)
bp.add_url_rule("/events/<int:event_id>/register", view_func=views.register_self, methods=["POST"])
bp.add_url_rule("/events/<int:event_id>/register-members", view_func=views.register_members,
                methods=["GET", "POST"])
bp.add_url_rule("/event-registrations/<int:registration_id>/cancel", view_func=views.cancel_registration,
                methods=["POST"])
bp.add_url_rule("/events/<int:event_id>/registrations", view_func=views.list_registrations)
bp.add_url_rule("/events/<int:event_id>/messages", view_func=views.message_registrants, methods=["GET", "POST"])
bp.add_url_rule("/event-registrations/<int:registration_id>/ticket", view_func=views.show_ticket)
bp.add_url_rule("/event-registrations/<int:registration_id>/sessions", view_func=views.choose_sessions,
                methods=["GET", "POST"])
bp.add_url_rule("/event-registrations/<int:registration_id>/certificate.pdf",
                view_func=views.download_attendance_certificate)
bp.add_url_rule("/events/<int:event_id>/check-in", view_func=views.check_in_page)
bp.add_url_rule("/events/<int:event_id>/check-ins", view_func=views.check_in_person, methods=["POST"],
                endpoint="check_in_person")
bp.add_url_rule("/events/<int:event_id>/check-in/<code>", view_func=views.check_in_code)
bp.add_url_rule("/events/<int:event_id>/attendance.csv", view_func=views.export_attendance)
bp.add_url_rule("/verify/attendance/<code>", view_func=views.verify_attendance)
bp.add_url_rule("/events/<int:event_id>/feedback", view_func=feedback_views.give_feedback, methods=["GET", "POST"])
bp.add_url_rule("/events/<int:event_id>/feedback/results", view_func=feedback_views.show_feedback_results)
bp.add_url_rule("/events/<int:event_id>/feedback/results.csv", view_func=feedback_views.export_feedback)
bp.add_url_rule("/events/<int:event_id>/feedback/settings", view_func=feedback_views.edit_feedback_settings,
                methods=["GET", "POST"])
bp.add_url_rule("/admin/events", view_func=views.list_managed_events)
bp.add_url_rule("/admin/events/new", view_func=views.create_event, methods=["GET", "POST"])
bp.add_url_rule("/events/<int:event_id>/edit", view_func=views.edit_event, methods=["GET", "POST"])
bp.add_url_rule("/events/<int:event_id>/publish", view_func=views.publish_event, methods=["POST"])
bp.add_url_rule("/events/<int:event_id>/sessions/new", view_func=views.add_session, methods=["GET", "POST"])
bp.add_url_rule("/events/<int:event_id>/sessions/<int:session_id>/edit", view_func=views.edit_session,
                methods=["GET", "POST"])
bp.add_url_rule("/events/<int:event_id>/sessions/<int:session_id>/delete", view_func=views.delete_session,
                methods=["POST"])
bp.add_url_rule("/events/<int:event_id>/sessions/<int:session_id>/recordings", view_func=media_views.add_recording,
                methods=["POST"])
bp.add_url_rule("/events/<int:event_id>/sessions/<int:session_id>/slides", view_func=media_views.upload_slides,
                methods=["POST"])
bp.add_url_rule("/events/<int:event_id>/sessions/<int:session_id>/materials/<int:material_id>/delete",
                view_func=media_views.remove_material, methods=["POST"])
bp.add_url_rule("/events/<int:event_id>/slides/<int:material_id>", view_func=media_views.download_slides)
bp.add_url_rule("/speakers/<int:speaker_id>/photo", view_func=media_views.show_speaker_photo)
bp.add_url_rule("/admin/speakers", view_func=views.list_speakers)
bp.add_url_rule("/admin/speakers/new", view_func=views.create_speaker, methods=["GET", "POST"])
bp.add_url_rule("/admin/speakers/<int:speaker_id>/edit", view_func=views.edit_speaker, methods=["GET", "POST"])


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(events_cli)
    connect_verification()
    also_show(talks_about)  # the module pages list the talks about each module
    app.jinja_env.globals.update(can_create_events=Event.can_create, can_manage_speakers=Speaker.can_manage,
                                 material_link=material_link)
    app.jinja_env.filters["hours"] = hours_label
