"""Response hardening and error pages, wired by `create_app`."""
from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError

from core.errors import Refusal, handle_refusal

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["APP_ENV"] == "production":
        # Production is served over HTTPS only (README, "Sessions"): browsers then refuse plain HTTP for two years.
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


ERROR_PAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "You do not have permission to see this page."),
    404: ("Not found", "There is nothing at this address."),
    405: ("Not allowed", "That action is not available here."),
    413: ("Too large", "What you sent is larger than we accept."),
    429: ("Too many attempts", "Please wait a few minutes before trying again."),
    500: ("Something went wrong", "The error has been logged. Nothing you submitted was half saved."),
}


def register_error_pages(app: Flask) -> None:
    for code, (title, message) in ERROR_PAGES.items():
        def handler(error, code=code, title=title, message=message):
            if code == 500:
                from core.extensions import db

                db.session.rollback()
            return render_template("error.html", code=code, title=title, message=message), code

        app.register_error_handler(code, handler)

    app.register_error_handler(Refusal, handle_refusal)

    @app.errorhandler(CSRFError)
    def expired_form(error):
        return render_template("error.html", code=400, title="The form expired",
                               message="For your security, forms expire. Go back, reload the page and try again."), 400


def safe_redirect_target(target: str | None, default: str) -> str:
    """Only same-site paths are followed, so a crafted ?next= cannot send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
