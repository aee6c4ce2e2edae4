"""Each person's home page: a dashboard with a section for each role they hold."""
from datetime import datetime

from flask import Blueprint, Flask

from core.timezones import viewer_timezone
from dashboards import views
from modules.todo import TodoItem, when_text

bp = Blueprint("dashboards", __name__)
bp.add_url_rule("/dashboard", view_func=views.dashboard)


def todo_when(item: TodoItem, now: datetime) -> str:
    """When an item of the to-do list is due, in words, counted in the viewer's zone."""
    return when_text(item, now, viewer_timezone())


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(todo_when=todo_when)
