"""The app as the load bench serves it (`gunicorn bench.wsgi:app`): the product, plus two things only the bench has.

- `/_bench/bare`: the floor every page is measured against: the signed-in person loaded, `SELECT 1`,
  and the base template (navigation, notices count) with nothing in it.
- An `X-Bench-Statements` header on every response: the SQL statements the request ran.
"""
from flask import g, has_request_context, render_template
from flask_login import login_required
from sqlalchemy import event, text

from app import create_app
from core.extensions import db

app = create_app({"RATELIMIT_ENABLED": False})


@login_required
def bare():
    db.session.execute(text("SELECT 1"))
    return render_template("base.html")


app.add_url_rule("/_bench/bare", view_func=bare)


def _count(*args) -> None:
    if has_request_context():
        g.bench_statements = g.get("bench_statements", 0) + 1


@app.after_request
def _report_statements(response):
    response.headers["X-Bench-Statements"] = str(g.get("bench_statements", 0))
    return response


with app.app_context():
    event.listen(db.engine, "before_cursor_execute", _count)
