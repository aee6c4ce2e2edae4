"""Each person's home page: a dashboard with a section for each role they hold."""
from flask import Blueprint, Flask

from dashboards import views

bp = Blueprint("dashboards", __name__)
bp.add_url_rule("/dashboard", view_func=views.dashboard)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
