"""Casework Academy: `flask --app app ...` finds `create_app` here."""
from pathlib import Path

from flask import Flask
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

import accounts
import accounts.views  # noqa: F401  (importing a views module registers its routes)
import courses
import courses.views  # noqa: F401
import courses.certificate_views  # noqa: F401
import courses.matrix_views  # noqa: F401
import mentoring
import mentoring.views  # noqa: F401
import modules
import modules.views  # noqa: F401
import modules.quiz_views  # noqa: F401
import modules.signoff_views  # noqa: F401
from accounts.commands import accounts_cli
from core import notices, timezones, web
from core.config import load_config
from core.extensions import bootstrap, csrf, db, limiter, login_manager, migrate
from core.markdown import render_markdown
from courses.commands import certificates_cli, content_cli, demo_cli
from mentoring.commands import mentoring_cli
from modules.commands import quizzes_cli


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(Path(__file__).parent / "instance"))
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)

    if app.config["TRUSTED_PROXIES"]:
        # Behind N proxies, take the client's address and scheme from their X-Forwarded-* headers
        # (rate limits are per address, and e-mailed links need the public scheme and host).
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)

    for blueprint in (accounts.bp, courses.bp, modules.bp, mentoring.bp):
        app.register_blueprint(blueprint)
    for command_group in (accounts_cli, content_cli, demo_cli, quizzes_cli, mentoring_cli, certificates_cli):
        app.cli.add_command(command_group)

    app.after_request(web.add_security_headers)
    web.register_error_pages(app)
    app.context_processor(lambda: {"unread_notice_count": lambda: notices.unread_count(current_user.id)})
    app.jinja_env.filters.update(
        datetime=timezones.format_datetime, date=timezones.format_date, markdown=render_markdown
    )
    return app
