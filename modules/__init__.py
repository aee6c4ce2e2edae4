"""Module delivery: lessons (and, later, quizzes and sign-off)."""
from flask import Blueprint

bp = Blueprint("modules", __name__)
