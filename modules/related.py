"""What higher layers add to a module's page, without this package importing them.

The events package, above this one, lists the talks about a module (with their
recordings and slides) by registering a provider here when the app starts;
the module page renders whatever sections the providers return.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from curriculum.models import Module


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    #: a page on another site (a video platform): opened without sending our address or a window handle
    is_external: bool = False


@dataclass(frozen=True)
class RelatedItem:
    title: str
    url: str
    detail: str = ""
    links: tuple[Link, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RelatedSection:
    heading: str
    items: list[RelatedItem]


#: each takes a module and answers a section for its page, or None when it has nothing for it
_providers: list[Callable[[Module], RelatedSection | None]] = []


def also_show(provider: Callable[[Module], RelatedSection | None]) -> None:
    """Add a section to every module's page (registering the same provider again changes nothing)."""
    if provider not in _providers:
        _providers.append(provider)


def related_to(module: Module) -> list[RelatedSection]:
    """The sections the providers have for this module; empty ones are left out."""
    return [section for section in (provider(module) for provider in _providers) if section and section.items]
