"""Links to the app's own pages, built inside a request or outside one (commands, mail sent by a worker).

Outside a request Flask's `url_for` cannot build a URL without SERVER_NAME,
and setting SERVER_NAME would make routing refuse every other Host header.
So outside a request the URL map is bound to BASE_URL (in development, the
address `make run` serves on) explicitly.
"""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from werkzeug.routing import MapAdapter

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def _base_url() -> str:
    return (current_app.config["BASE_URL"] or DEVELOPMENT_BASE_URL).rstrip("/")


def _adapter() -> MapAdapter:
    base = urlsplit(_base_url())
    return current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)


def path_for(endpoint: str, **values) -> str:
    """The path of a page on this site, e.g. for an in-app notice."""
    if has_request_context():
        return url_for(endpoint, **values)
    return _adapter().build(endpoint, values)


def absolute_url(endpoint: str, **values) -> str:
    """The full URL of a page, for e-mail: on BASE_URL when it is set, else on the address the request came to."""
    if not has_request_context():
        return _adapter().build(endpoint, values, force_external=True)
    if current_app.config["BASE_URL"]:
        return _base_url() + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
