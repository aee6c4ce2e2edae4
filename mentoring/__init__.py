"""One-to-one mentoring: availability, slots, bookings and series, notes, calendars and reminders."""
from flask import Blueprint, Flask

from mentoring import views
from mentoring.bookings import connect_deactivation
from mentoring.commands import mentoring_cli
from mentoring.models import Booking, MentorProfile

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")
bp.add_url_rule("/", view_func=views.list_mentors)
bp.add_url_rule("/mentors/<int:mentor_id>/book", view_func=views.book_slot, methods=["GET", "POST"])
bp.add_url_rule("/sessions", view_func=views.list_sessions)
bp.add_url_rule("/sessions/<int:booking_id>", view_func=views.show_booking)
bp.add_url_rule("/sessions/<int:booking_id>/cancel", view_func=views.cancel_booking, methods=["POST"])
bp.add_url_rule("/sessions/<int:booking_id>/reschedule", view_func=views.reschedule_booking, methods=["GET", "POST"])
bp.add_url_rule("/sessions/<int:booking_id>/place", view_func=views.change_place, methods=["GET", "POST"])
bp.add_url_rule("/sessions/<int:booking_id>/calendar.ics", view_func=views.download_booking_calendar)
bp.add_url_rule("/sessions/<int:booking_id>/notes", view_func=views.edit_notes, methods=["GET", "POST"])
bp.add_url_rule("/availability", view_func=views.edit_availability, methods=["GET", "POST"])
bp.add_url_rule("/week", view_func=views.show_week)
bp.add_url_rule("/overview", view_func=views.show_overview)
bp.add_url_rule("/calendar-feed", view_func=views.regenerate_feed, methods=["POST"])
bp.add_url_rule("/feed/<token>.ics", view_func=views.calendar_feed)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    connect_deactivation()
    app.cli.add_command(mentoring_cli)
    app.jinja_env.globals.update(can_browse_mentors=MentorProfile.can_browse,
                                 can_publish_availability=MentorProfile.can_publish_availability,
                                 can_see_mentoring_overview=Booking.can_see_overview)
