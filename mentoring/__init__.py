"""One-to-one mentoring (availability, bookings, notes); routes arrive with the mentoring issue."""
from flask import Blueprint

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")
