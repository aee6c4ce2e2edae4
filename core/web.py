"""Response hardening, refusal of bad input and error pages, wired by `create_app`."""
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, current_app, has_request_context, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from core.db import MAX_INT
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


def navigation_context() -> dict:
    """What the navigation needs to mark the current page (named so that no view's own `request` variable hides it)."""
    if not has_request_context():  # e-mails rendered by commands
        return {}
    return {"current_endpoint": request.endpoint, "in_administration": request.path.startswith("/admin")}


def private_attachment(body, mimetype: str, filename: str) -> Response:
    """A download of someone's records: saved under `filename`, and kept by no cache on the way or in the browser."""
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                                      "Cache-Control": "private, no-store"})


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
    return local_path(target) or default


# -- bad input ------------------------------------------------------------------------------------------

#: C0 control characters and DEL. PostgreSQL cannot store NUL; the rest have no business in a name, a search or
#: an address, and some (a newline in a redirect target) end up in headers.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
#: the same, less tab, line feed and carriage return, which a textarea sends as its lines
CONTROL_CHARACTERS_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CHARACTER_NAMES = {"\x00": "a NUL byte", "\t": "a tab", "\n": "a line break", "\r": "a carriage return",
                    "\x7f": "a DEL character"}


def register_input_checks(app: Flask) -> None:
    """Refuse control characters in every request and ids no column can hold in every URL, before any view runs.

    Call before the blueprints are registered: a URL rule takes its `int` converter when it is added.
    """
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request(refuse_control_characters)


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` that matches only what an INTEGER column can hold: /runs/99999999999 is not found (404),
    where Werkzeug's own converter would pass it to a query that PostgreSQL refuses (a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def control_character_in_request() -> tuple[str, str] | None:
    """(where, character) of the first control character in the path, the query string, the form or an uploaded
    file's name; tab, line feed and carriage return are allowed in form values only."""
    places = [("address", request.path, CONTROL_CHARACTERS)]
    places += [("address", text, CONTROL_CHARACTERS) for item in request.args.items(multi=True) for text in item]
    places += [("form", name, CONTROL_CHARACTERS) for name in request.form]
    places += [("form", value, CONTROL_CHARACTERS_IN_TEXT) for value in request.form.values()]
    places += [("file name", text or "", CONTROL_CHARACTERS) for name, upload in request.files.items(multi=True)
               for text in (name, upload.filename)]
    for where, text, pattern in places:
        found = pattern.search(text)
        if found:
            return where, found.group()
    return None


def refuse_control_characters():
    """`before_request`: a 400 page that says what was wrong, instead of a 500 from the database further on."""
    problem = control_character_in_request()
    if problem is None:
        return None
    where, character = problem
    name = _CHARACTER_NAMES.get(character, f"U+{ord(character):04X}")
    message = (f"The {where} contained a control character ({name}) that cannot be stored; "
               "remove it and try again.")
    return render_template("error.html", code=400, title="Bad request", message=message), 400


_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f\s]")


def local_path(target: str | None) -> str | None:
    """`target` as a path on this site, or None when it is anything else.

    Browsers drop tabs and line breaks from a Location and read a backslash as a slash, so those go first
    (`/`, a tab, `/evil.example` arrives as `//evil.example`, another site); what remains must be a path with no
    scheme, no host, no backslash, and must not start with `//` however its percent-escapes and unicode
    compatibility forms (`%2f%2f`, `%ef%bc%8f`) are decoded. Raw unicode is refused.
    """
    if not target:
        return None
    cleaned = _SPACE_OR_CONTROL.sub("", target)
    if not cleaned.isascii():  # our own links are percent-encoded; raw unicode here is a look-alike trick
        return None
    decoded = cleaned
    for _ in range(3):  # %252f%252f decodes twice to //
        decoded = unquote(decoded)
    for form in (cleaned, decoded, unicodedata.normalize("NFKC", decoded)):
        parts = urlsplit(form)
        if (parts.scheme or parts.netloc or not form.startswith("/") or form.startswith("//")
                or "\\" in form or CONTROL_CHARACTERS.search(form)):
            return None
    return cleaned
