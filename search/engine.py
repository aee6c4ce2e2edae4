"""The one search interface: `search(text, viewer)` returns typed, grouped results, on either database.

What a viewer finds is what they may open: courses, modules and resources are public (the catalogue and
module pages show them to everyone); lessons only in modules the viewer may read
(`courses.access.readable_module_ids`, the rule the lesson page enforces); people only for those who may
find them (`User.found_by`: administrators everyone, leaders their project's members). The statements run
do not depend on how much there is: the matches ranked and counted per section in one, the highlighted
titles and snippets of the shown ones in another, people in a third, and the viewer's readable modules.
"""
import enum
import math
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import aliased

from accounts.models import Organisation, User
from core.extensions import db
from core.text import quantity
from courses.access import readable_module_ids
from curriculum.models import Module
from search.backends import backend
from search.models import DocumentKind, SearchDocument
from search.text import Query, marked, parse

#: results per section when every section is shown; a section shown alone pages by PER_PAGE
PER_SECTION = 5
PER_PAGE = 20
#: no one reads page 500 of a search; a larger ?page= shows the last page's neighbourhood as empty
MAX_PAGE = 500


class Section(enum.Enum):
    COURSES = "Courses"
    MODULES = "Modules"
    LESSONS = "Lessons"
    RESOURCES = "Resources"
    PEOPLE = "People"

    @property
    def slug(self) -> str:
        return self.name.lower()

    def counted(self, count: int) -> str:
        """"1 lesson", "3 lessons", "1 person"."""
        return quantity(count, "person" if self is Section.PEOPLE else self.value[:-1].lower(), self.value.lower())

    @property
    def document_kind(self) -> DocumentKind | None:
        return None if self is Section.PEOPLE else DocumentKind[self.name[:-1]]


SECTION_OF = {section.document_kind: section for section in Section if section.document_kind}


@dataclass(frozen=True)
class Hit:
    """A course, module, lesson or resource found; `title` and `snippet` are escaped, with <mark> on matched words."""

    section: Section
    title: Markup
    snippet: Markup
    #: the course's or the lesson's slug ("" for modules and resources)
    slug: str
    #: the module it is part of (a module's own, for a module)
    module_slug: str
    module_title: str
    #: resources: the external address, and whether it is further reading or a source
    url: str = ""
    label: str = ""


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    roles: tuple[str, ...]
    organisation_id: int | None
    organisation_name: str
    is_active: bool


@dataclass
class Group:
    section: Section
    total: int
    hits: list = field(default_factory=list)


@dataclass
class Results:
    query: Query
    #: the sections with something found, in Section order
    groups: list[Group]
    #: the section shown alone, paged; None when every section shows its first few
    section: Section | None = None
    page: int = 1
    #: false when lessons in some modules were not searched, because the viewer may not read them yet
    searched_every_lesson: bool = True
    may_find_people: bool = False

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def pages(self) -> int:
        if self.section is None or not self.groups:
            return 1
        return max(1, math.ceil(self.groups[0].total / PER_PAGE))

    def iter_pages(self):
        """Page numbers for the pagination macro, None for a gap: the first, the last and those near this one."""
        shown = None
        for number in range(1, self.pages + 1):
            if number <= 2 or number > self.pages - 2 or abs(number - self.page) <= 2:
                yield number
                shown = number
            elif shown is not None:
                yield None
                shown = None


def search(text: str, viewer, section: Section | None = None, page: int = 1) -> Results:
    """What `viewer` may find for `text`: every section's best PER_SECTION, or one `section` paged by PER_PAGE."""
    query = parse(text)
    page = min(max(page, 1), MAX_PAGE)
    limit, offset = (PER_PAGE, (page - 1) * PER_PAGE) if section else (PER_SECTION, 0)
    readable = readable_module_ids(viewer)
    results = Results(query=query, groups=[], section=section, page=page,
                      searched_every_lesson=readable is None, may_find_people=User.can_find_people(viewer))
    if query.is_empty:
        return results
    groups = {}
    if section is not Section.PEOPLE:
        groups |= _content(query, readable, section, limit, offset)
    if section in (None, Section.PEOPLE) and results.may_find_people and query.words:
        people = _people(query, viewer, limit, offset)
        if people.total:
            groups[Section.PEOPLE] = people
    results.groups = [groups[each] for each in Section if each in groups]
    return results


def _content(query: Query, readable: set[int] | None, section: Section | None, limit: int, offset: int
             ) -> dict[Section, Group]:
    engine = backend()
    readable_lessons = true() if readable is None else SearchDocument.module_id.in_(readable)
    matching = engine.matching(query).where(or_(SearchDocument.kind != DocumentKind.LESSON, readable_lessons))
    if section:
        matching = matching.where(SearchDocument.kind == section.document_kind)
    hits = matching.subquery()
    ranked = select(hits.c.id, hits.c.kind,
                    func.row_number().over(partition_by=hits.c.kind, order_by=(hits.c.rank.desc(), hits.c.id))
                    .label("position"),
                    func.count().over(partition_by=hits.c.kind).label("total")).subquery()
    rows = db.session.execute(select(ranked).where(ranked.c.position > offset, ranked.c.position <= offset + limit)
                              .order_by(ranked.c.position)).all()
    groups = {}
    for row in rows:
        groups.setdefault(SECTION_OF[_kind(row.kind)], Group(SECTION_OF[_kind(row.kind)], row.total))
    if not rows:
        if section and offset:  # past the last page: the count still pages back
            groups[section] = Group(section, db.session.scalar(select(func.count()).select_from(hits)))
        return groups
    module = aliased(Module)
    shown = db.session.execute(
        engine.highlighting(query).add_columns(SearchDocument.kind, SearchDocument.slug, SearchDocument.url,
                                               SearchDocument.label, module.slug.label("module_slug"),
                                               module.title.label("module_title"))
        .outerjoin(module, module.id == SearchDocument.module_id)
        .where(SearchDocument.id.in_([row.id for row in rows]))).all()
    by_id = {row.id: row for row in shown}
    for row in rows:
        found = by_id[row.id]
        kind = _kind(found.kind)
        groups[SECTION_OF[kind]].hits.append(Hit(
            section=SECTION_OF[kind], title=marked(found.title), snippet=marked(found.snippet), slug=found.slug,
            module_slug=found.module_slug or "", module_title=found.module_title or "", url=found.url,
            label=found.label))
    return groups


def _kind(value) -> DocumentKind:
    """Columns selected from a subquery come back as the stored name, not the enum."""
    return value if isinstance(value, DocumentKind) else DocumentKind[value]


def _people(query: Query, viewer, limit: int, offset: int) -> Group:
    # Words hold letters and digits only (search.text), so none is a LIKE wildcard.
    each_word = [or_(func.lower(User.display_name).contains(word), User.email.contains(word)) for word in query.words]
    rows = db.session.execute(
        select(User, Organisation.name.label("organisation_name"), func.count().over().label("total"))
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.found_by(viewer), *each_word)
        .order_by(User.display_name, User.id).limit(limit).offset(offset)).all()
    group = Group(Section.PEOPLE, rows[0].total if rows else 0)
    group.hits = [Person(id=user.id, name=user.display_name, email=user.email, roles=tuple(user.role_names),
                         organisation_id=user.organisation_id, organisation_name=organisation_name or "",
                         is_active=user.is_active_account)
                  for user, organisation_name, _ in rows]
    return group
