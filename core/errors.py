"""Refusals: actions the rules do not allow now, answered the same way on every page.

An operation raises a `Refusal` (or a subclass, e.g. `QuizRefusal`) with a
message for the person. The view says where a refused person goes back to
(`back_on_refusal(url)`) once it has loaded what the URL names; the handler
registered by `core.web.register_error_pages` then undoes the whole action
(rollback), flashes the message and redirects there. A view with no page to
go back to gets an error page with the refusal's HTTP status instead.
"""
from flask import flash, g, redirect, render_template

from core.extensions import db


class Refusal(Exception):
    """An action the rules do not allow now; `message` says why (and what to do), `status` is the HTTP answer."""

    #: 409 Conflict: the request is understood, but the present state does not allow it
    status = 409

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


def back_on_refusal(url: str) -> None:
    """If this request is refused, send the person to `url` with the refusal's message."""
    g.refusal_back = url


def handle_refusal(refusal: Refusal):
    db.session.rollback()
    back = g.get("refusal_back")
    if back is None:
        return render_template("error.html", code=refusal.status, title="Not possible now",
                               message=refusal.message), refusal.status
    flash(refusal.message, "error")
    return redirect(back)
