"""The team competency matrix: an organisation's members × modules, each cell the module's state and its date.

Rows are the organisation's active trainees, and its leaders who hold a seat
on a course (a leader who is not training is not "Not started" on everything);
mentors and administrators who happen to belong to it are not trained there and
are left out. Columns are the modules of every course the
members hold a seat (an ENROLLED enrolment) in, in catalogue order; a project
whose members hold no seat yet sees every module of the catalogue, so the grid
shows what there is to do. States come from `modules.completion`, gathered once
for every member and module, so the matrix costs the same few queries for 3
members or 300.

The page and the CSV are cached (core/cache.py) under the organisation's matrix version
(`team.matrix_versions`): a matrix seen again unchanged costs a look-up.
"""
import csv
import io
import json
import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.models import Organisation, User
from core.cache import cached_text
from core.extensions import db
from core.spreadsheets import inert
from core.timezones import format_date
from courses import structure
from courses.models import Course, CourseModule, Enrolment, EnrolmentState, Run
from curriculum.models import Module
from modules.completion import ModuleState, gather, module_state, state_date

#: one page holds an organisation of 300 (the largest the issue plans for) with room to spare
MEMBERS_PER_PAGE = 500
#: modules done with: signed off, or complete where no sign-off is needed
DONE_STATES = (ModuleState.SIGNED_OFF, ModuleState.COMPLETE)


@dataclass(frozen=True)
class Cell:
    state: ModuleState
    #: when the module reached its state (None when not started)
    date: datetime | None


@dataclass(frozen=True)
class Member:
    id: int
    display_name: str
    email: str


@dataclass(frozen=True)
class Row:
    member: Member
    #: in the order of `Matrix.modules`
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class HeldRun:
    """A run the matrix can be filtered by: plain values, kept in the cache."""

    id: int
    course_id: int
    #: as `Run.name`
    name: str


@dataclass(frozen=True)
class ModuleTotal:
    module: structure.ModuleInfo
    #: members signed off on the module (or who completed it, when it needs no sign-off)
    done: int
    #: members counted: everyone the filters keep, on every page
    members: int
    counts: Counter

    @property
    def summary(self) -> str:
        """E.g. "4 of 12 members signed off on Intake and eligibility"."""
        verb = "signed off on" if self.module.is_sign_off_required else "completed"
        noun = "member" if self.members == 1 else "members"
        return f"{self.done} of {self.members} {noun} {verb} {self.module.title}"

    @property
    def breakdown(self) -> str:
        """How many are in each other state, e.g. "2 awaiting sign-off, 5 not started"."""
        return ", ".join(f"{self.counts[state]} {state.value.lower()}" for state in ModuleState
                         if self.counts[state] and state not in DONE_STATES)


@dataclass(frozen=True)
class Matrix:
    organisation: Organisation
    run: Run | HeldRun | None
    state: ModuleState | None
    modules: list[structure.ModuleInfo]
    #: the members on this page, by name
    rows: list[Row]
    #: per module, over every member the filters keep (not only this page)
    totals: list[ModuleTotal]
    page: int
    pages: int
    #: members the filters keep, on every page
    member_count: int

    def iter_pages(self):
        """Page numbers for the `pagination` macro (at most a handful: pages hold 500 members)."""
        return range(1, self.pages + 1)


def build_matrix(organisation: Organisation, run: Run | HeldRun | None = None,
                 state: ModuleState | None = None, page: int = 1, per_page: int | None = MEMBERS_PER_PAGE,
                 held: list[HeldRun] | None = None) -> Matrix:
    """The organisation's matrix, in six queries whatever its size (members, modules, and `gather()`'s four).

    With `run`, the columns are that run's modules and the rows only members enrolled
    (ENROLLED) in it. With `state`, the rows are the members with at least one module
    in that state. Totals count every member the filters keep; `page` picks the rows shown
    (`per_page=None`: every row on one page, as the CSV export wants). `held`, the organisation's `held_runs()`
    when the caller has them already (for the filter form), saves reading them again.
    """
    members = [Member(*row) for row in db.session.execute(_members_query(organisation, run))]
    modules = _modules(organisation, run, held)
    facts = gather([member.id for member in members], modules)
    rows = []
    for member in members:
        cells = []
        for module in modules:
            module_facts = facts[member.id, module.id]
            cells.append(Cell(module_state(module_facts), state_date(module_facts)))
        rows.append(Row(member, tuple(cells)))
    if state is not None:
        rows = [row for row in rows if any(cell.state is state for cell in row.cells)]
    totals = []
    for index, module in enumerate(modules):
        counts = Counter(row.cells[index].state for row in rows)
        totals.append(ModuleTotal(module, sum(counts[done] for done in DONE_STATES), len(rows), counts))
    per_page = per_page or max(len(rows), 1)
    pages = max(1, math.ceil(len(rows) / per_page))
    page = min(max(page, 1), pages)
    return Matrix(organisation=organisation, run=run, state=state, modules=modules,
                  rows=rows[(page - 1) * per_page:page * per_page], totals=totals,
                  page=page, pages=pages, member_count=len(rows))


def _members_query(organisation: Organisation, run: Run | HeldRun | None):
    training_leaders = select(Enrolment.user_id).where(Enrolment.state == EnrolmentState.ENROLLED)
    query = (select(User.id, User.display_name, User.email)
             .where(User.organisation_id == organisation.id, User.is_active_account.is_(True),
                    User.is_trainee.is_(True) | (User.is_leader.is_(True) & User.id.in_(training_leaders)))
             .order_by(User.display_name, User.id))
    if run is not None:
        query = query.where(User.id.in_(select(Enrolment.user_id).where(
            Enrolment.run_id == run.id, Enrolment.state == EnrolmentState.ENROLLED)))
    return query


def _held_runs_query(organisation: Organisation):
    # The seats of the members' rows (a leader with a seat is a row), joined rather than tested run by run:
    # PostgreSQL plans "run in (seats of these members)" as one scan of the members per run.
    seats = (select(Enrolment.run_id).join(User, User.id == Enrolment.user_id)
             .where(User.organisation_id == organisation.id, User.is_active_account.is_(True),
                    User.is_trainee.is_(True) | User.is_leader.is_(True),
                    Enrolment.state == EnrolmentState.ENROLLED).distinct())
    return select(Run).where(Run.id.in_(seats))


def held_runs(organisation: Organisation, version: str) -> list[HeldRun]:
    """Runs in which at least one of the organisation's active learners holds a seat, newest first: cached under
    the organisation's matrix `version` (`team.matrix_versions`), which enrolments and changes to runs replace."""

    def load() -> str:
        runs = db.session.scalars(_held_runs_query(organisation).options(joinedload(Run.course))
                                  .order_by(Run.starts_at.desc(), Run.id))
        return json.dumps([[run.id, run.course_id, run.name] for run in runs])

    return [HeldRun(*values) for values in json.loads(cached_text(f"team.held-runs:{version}", load))]


def _modules(organisation: Organisation, run: Run | HeldRun | None,
             held: list[HeldRun] | None) -> list[structure.ModuleInfo]:
    """The columns: the run's course's modules; else those of the courses held; else the whole catalogue's."""
    query = (select(Module.id).join(CourseModule, CourseModule.module_id == Module.id).join(Course)
             .where(Module.is_retired.is_(False)).order_by(Course.position, Course.id, CourseModule.position))
    if run is not None:
        query = query.where(Course.id == run.course_id)
    else:
        # Two plain queries: one that ORs "the courses held" with "none is held" defeats PostgreSQL's planner.
        held_courses = ({run.course_id for run in held} if held is not None else
                        set(db.session.scalars(_held_runs_query(organisation).with_only_columns(Run.course_id))))
        query = query.where(Course.id.in_(held_courses) if held_courses else Course.is_retired.is_(False))
    # A module in several courses is one column, where it first appears.
    return [structure.module(module_id) for module_id in dict.fromkeys(db.session.scalars(query))]


#: a cell in each state, around the link to the member's report: the state's colour class and its name, escaped once
_CELL_OPENINGS = {state: Markup('<td class="{}"><a href="').format(state.css)
                  for state in ModuleState}
_CELL_LINK_ENDS = {state: Markup('">{}</a>').format(state.value) for state in ModuleState}


def rows_html(matrix: Matrix, zone: ZoneInfo) -> Markup:
    """The rows of `matrix` as HTML table rows: the member's name and each cell's state (and colour), all linking
    to the member's report, and the date reached in `zone`.

    Built here, not by the template: 3,000 cells through a template loop, filters and time-zone
    conversions cost more than everything else on the page.
    """
    dates, parts = {}, []
    for row in matrix.rows:
        link = escape(url_for("team.show_report", organisation_id=matrix.organisation.id, user_id=row.member.id))
        parts.append(f'<tr><th scope="row"><a href="{link}">{escape(row.member.display_name)}</a></th>')
        for cell in row.cells:
            parts += [_CELL_OPENINGS[cell.state], link, _CELL_LINK_ENDS[cell.state]]
            if cell.date is not None:
                # Members reach states on the same days: each day is formatted once.
                day = cell.date.astimezone(zone).date()
                text = dates.get(day)
                if text is None:
                    text = dates[day] = escape(format_date(day))
                parts.append(f'<br><span class="small">{text}</span>')
            parts.append("</td>")
        parts.append("</tr>")
    return Markup("".join(parts))


def matrix_csv(matrix: Matrix, zone: ZoneInfo) -> str:
    """Name, e-mail, then each module's state and date (ISO, in `zone`), one line per row of `matrix`.

    Text a spreadsheet would run as a formula (a name such as "=HYPERLINK(...)")
    is prefixed with a quote, so it is shown, never executed.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["Member", "E-mail"]
    for module in matrix.modules:
        header += [f"{module.title}: state", f"{module.title}: date"]
    writer.writerow([inert(text) for text in header])
    for row in matrix.rows:
        line = [row.member.display_name, row.member.email]
        for cell in row.cells:
            line += [cell.state.value, cell.date.astimezone(zone).date().isoformat() if cell.date else ""]
        writer.writerow([inert(text) for text in line])
    return out.getvalue()
