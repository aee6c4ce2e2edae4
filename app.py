"""Casework Academy: `flask --app app ...` finds `create_app` here."""
from pathlib import Path

from flask import Flask
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

import accounts
import certificates
import courses
import dashboards
import demo
import events
import mentoring
import modules
import plans
import privacy
import search
import team
from core import mail, notices, text, timezones, web
from core.config import load_config
from core.db import include_object
from core.extensions import bootstrap, cache, csrf, db, limiter, login_manager, migrate
from core.markdown import render_markdown
from core.retry import Application

#: each package registers its blueprint, commands and signal receivers; lowest layer first
PACKAGES = (accounts, courses, mentoring, modules, certificates, events, plans, team, privacy, search, dashboards,
            demo)


def create_app(config: dict | None = None) -> Flask:
    app = Application(__name__, instance_path=str(Path(__file__).parent / "instance"))
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)

    if app.config["TRUSTED_PROXIES"]:
        # Behind N proxies, take the client's address and scheme from their X-Forwarded-* headers
        # (rate limits are per address, and e-mailed links need the public scheme and host).
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), include_object=include_object)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    mail.register(app)  # after db: its end-of-context hook runs before the session is removed

    web.register_input_checks(app)  # before the blueprints: their URL rules take its `int` converter
    for package in PACKAGES:
        package.register(app)

    app.after_request(web.add_security_headers)
    web.register_error_pages(app)
    app.jinja_env.globals.update(seats_left_text=text.seats_left)
    app.context_processor(lambda: {"unread_notice_count": lambda: notices.unread_count(current_user.id)})
    app.context_processor(web.navigation_context)
    app.jinja_env.filters.update(
        datetime=timezones.format_datetime, date=timezones.format_date, markdown=render_markdown,
        quantity=text.quantity,
    )
    return app
