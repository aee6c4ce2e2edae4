"""Fragments kept in the cache (core/cache.py), on each backend the app runs with."""
import logging
from datetime import UTC, datetime, timedelta

from core.cache import fragment, fragment_until, new_version
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


def test_a_fragment_with_an_end_is_served_until_that_instant_and_built_again_from_then(app, cache_backend):
    ends_at = datetime(2027, 3, 1, 12, tzinfo=UTC)
    renders = []

    def render():
        renders.append(len(renders) + 1)
        return f"<p>{renders[-1]}</p>", ends_at

    with app.app_context():
        assert fragment_until("runs", render, ends_at - timedelta(hours=1)) == "<p>1</p>"
        assert fragment_until("runs", render, ends_at - timedelta(seconds=1)) == "<p>1</p>"
        assert fragment_until("runs", render, ends_at) == "<p>2</p>"
        assert fragment_until("runs", render, ends_at + timedelta(days=1)) == "<p>3</p>"


def test_a_fragment_without_an_end_is_kept(app, cache_backend):
    renders = []

    def render():
        renders.append(1)
        return "<p>nothing ends</p>", None

    with app.app_context():
        for days in (0, 400):
            assert fragment_until("runs", render, datetime(2027, 3, 1, tzinfo=UTC) + timedelta(days=days)) \
                == "<p>nothing ends</p>"
    assert renders == [1]
