"""Sign-in, registration, invitations, organisations, roles and profiles."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
