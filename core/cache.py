"""Rendered fragments of pages, kept in the cache (core.extensions.cache: Redis in production, so every worker
shares them; per process by default) under keys that name everything the fragment shows.

A key carries the version tokens of the data the fragment is drawn from: a token stored beside that data
(e.g. `quizzes.analysis_version`) and replaced, by `new_version()`, in the same transaction as any change to
it. A reader sees the old token until that transaction commits and the new one after, so a fragment is never
served once its data has changed, and no key is ever reused for other data: tokens are random, not counters,
so a rolled-back change or a restored backup cannot bring back a token that named other figures. Whatever
differs between viewers (the person, their time zone) goes into the key too, or the fragment is not cached.

The cache is an accelerator only: when Redis cannot be reached the fragment is rendered as if nothing were
cached, and the request succeeds.
"""
import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from markupsafe import Markup
from redis.exceptions import RedisError

from core.extensions import cache

log = logging.getLogger(__name__)
T = TypeVar("T")


def new_version() -> str:
    """A fresh version token (16 hex characters) for data whose cached fragments must no longer be served."""
    return secrets.token_hex(8)


def fragment(key: str, render: Callable[[], str], timeout: int | None = None) -> Markup:
    """The HTML cached under `key`, or `render()`'s, cached there for `timeout` seconds (default
    CACHE_DEFAULT_TIMEOUT)."""
    return Markup(cached_text(key, render, timeout))


def fragment_until(key: str, render: Callable[[], tuple[str, datetime | None]], now: datetime) -> Markup:
    """Like `fragment`, for HTML that goes out of date at an instant its own data names (a list of what has not
    ended yet): `render()` returns the HTML and that instant (None: none), and the HTML is served until then."""
    html, _ = _cached(key, render, is_usable=lambda found: found[1] is None or now < found[1])
    return Markup(html)


def cached_text(key: str, build: Callable[[], str], timeout: int | None = None) -> str:
    """The text cached under `key` (a page fragment, a CSV download), or `build()`'s, cached there for `timeout`
    seconds (default CACHE_DEFAULT_TIMEOUT)."""
    return _cached(key, build, timeout)


def _cached(key: str, build: Callable[[], T], timeout: int | None = None,
            is_usable: Callable[[T], bool] | None = None) -> T:
    try:
        found = cache.get(key)
    except RedisError as error:
        log.warning("cache unreachable, building %s: %s", key, error)
        return build()
    if found is None or (is_usable is not None and not is_usable(found)):
        found = build()
        try:
            cache.set(key, found, timeout=timeout)
        except RedisError as error:
            log.warning("cache unreachable, not keeping %s: %s", key, error)
    return found
