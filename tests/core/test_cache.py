"""Fragments kept in the cache (core/cache.py), on each backend the app runs with."""
import logging

from core.cache import fragment, new_version
from core.extensions import cache


def test_a_fragment_is_rendered_once_per_key_and_served_from_the_cache_after(app, cache_backend):
    renders = []

    def render(text):
        renders.append(text)
        return f"<p>{text}</p>"

    with app.app_context():
        assert fragment("greeting:alice", lambda: render("Alice")) == "<p>Alice</p>"
        assert fragment("greeting:alice", lambda: render("someone else")) == "<p>Alice</p>"
        assert fragment("greeting:bob", lambda: render("Bob")) == "<p>Bob</p>"
    assert renders == ["Alice", "Bob"]


def test_version_tokens_never_repeat():
    assert len({new_version() for _ in range(1000)}) == 1000


def test_without_redis_the_fragment_is_rendered_and_the_request_goes_on(app, caplog, monkeypatch):
    # Alembic's logging set-up (run by the migrations) disables loggers that existed before it.
    monkeypatch.setattr(logging.getLogger("core.cache"), "disabled", False)
    cache.init_app(app, {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": "redis://127.0.0.1:1/0"})
    try:
        with app.app_context():
            assert fragment("greeting:alice", lambda: "<p>Alice</p>") == "<p>Alice</p>"
    finally:
        cache.init_app(app)
    assert "cache unreachable" in caplog.text
