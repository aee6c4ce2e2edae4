"""Keeping the search index in step with the content: what each course, module, lesson and resource contributes.

`sync()` runs inside the content loader's transaction (the `content_loaded` signal): it compares the
documents the content calls for with the rows there are, and writes only the difference, so loading
unchanged content twice changes nothing here either. Retired content leaves the index.
"""
import html
import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.markdown import render_markdown
from courses.models import Course
from curriculum.models import Lesson, Module
from search.models import DocumentKind, SearchDocument
from search.text import MARKS

_INLINE_TAG = re.compile(r"</?(?:a|abbr|code|del|em|strong)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_HEADING = re.compile(r"\A\s*#[ \t]+([^\n]*)\n?")


def plain_text(markdown: str, title: str = "") -> str:
    """The words of a Markdown text, without markup, and without a first heading that repeats `title`."""
    heading = _HEADING.match(markdown)
    if heading and _SPACE.sub(" ", heading.group(1)).strip().casefold() == title.strip().casefold():
        markdown = markdown[heading.end():]
    text = html.unescape(_TAG.sub(" ", _INLINE_TAG.sub("", render_markdown(markdown))))
    return _SPACE.sub(" ", text.translate(MARKS)).strip()


def _clean(*parts: str) -> str:
    return _SPACE.sub(" ", " ".join(part for part in parts if part).translate(MARKS)).strip()


def documents() -> dict[str, dict]:
    """The documents the current (unretired) content calls for, by key, as column values."""
    wanted: dict[str, dict] = {}
    for course in db.session.scalars(select(Course).where(Course.is_retired.is_(False))):
        wanted[f"course:{course.slug}"] = dict(
            kind=DocumentKind.COURSE, module_id=None, slug=course.slug, title=_clean(course.title),
            body=_clean(course.summary, f"{course.format.label} course.",
                        f"For {course.audience.rstrip('.')}." if course.audience else ""), url="", label="")
    modules = db.session.scalars(select(Module).where(Module.is_retired.is_(False))
                                 .options(selectinload(Module.lessons).undefer(Lesson.body)))
    for module in modules:
        wanted[f"module:{module.slug}"] = dict(
            kind=DocumentKind.MODULE, module_id=module.id, slug="", title=_clean(module.title),
            body=_clean(module.summary, *module.outcomes, f"Jurisdictions: {', '.join(module.jurisdictions)}.",
                        f"Lessons: {'; '.join(lesson.title for lesson in module.lessons)}."), url="", label="")
        for lesson in module.lessons:
            wanted[f"lesson:{module.slug}/{lesson.slug}"] = dict(
                kind=DocumentKind.LESSON, module_id=module.id, slug=lesson.slug, title=_clean(lesson.title),
                body=plain_text(lesson.body, lesson.title), url="", label="")
        for field, label in (("resources", "Further reading"), ("sources", "Source")):
            for number, link in enumerate(getattr(module, field)):
                wanted[f"resource:{module.slug}/{field}/{number}"] = dict(
                    kind=DocumentKind.RESOURCE, module_id=module.id, slug="", title=_clean(link.get("title", "")),
                    body=_clean(link.get("note", "")), url=link.get("url", ""), label=label)
    return wanted


def sync() -> None:
    """Make the index match the content; flushes, never commits."""
    wanted = documents()
    existing = {document.key: document for document in db.session.scalars(select(SearchDocument))}
    for key, values in wanted.items():
        document = existing.pop(key, None)
        if document is None:
            db.session.add(SearchDocument(key=key, **values))
            continue
        for name, value in values.items():
            if getattr(document, name) != value:
                setattr(document, name, value)
    for document in existing.values():
        db.session.delete(document)
    db.session.flush()


def on_content_loaded(sender=None, **extra) -> None:
    sync()
