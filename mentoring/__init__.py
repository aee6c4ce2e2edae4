"""One-to-one mentoring: availability, slots, bookings and series, notes, calendars and reminders."""
from flask import Blueprint

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")
