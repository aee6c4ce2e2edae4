"""Catalogue, courses, runs, enrolment, dashboards, and the content and demo commands."""
from flask import Blueprint

bp = Blueprint("courses", __name__)
