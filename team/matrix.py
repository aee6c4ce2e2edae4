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
"""
import csv
import io
import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.models import Organisation, User
from core.extensions import db
from core.spreadsheets import inert
from core.timezones import format_date
from courses.models import Course, CourseModule, Enrolment, EnrolmentState, Run
from curriculum.models import Module
from modules.completion import ModuleFacts, ModuleState, gather, module_state, state_date

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
class Row:
    member: User
    #: in the order of `Matrix.modules`
    cells: list[Cell]


@dataclass(frozen=True)
class ModuleTotal:
    module: Module
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
    run: Run | None
    state: ModuleState | None
    modules: list[Module]
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


def build_matrix(organisation: Organisation, run: Run | None = None, state: ModuleState | None = None,
                 page: int = 1, per_page: int | None = MEMBERS_PER_PAGE, held: list[Run] | None = None) -> Matrix:
    """The organisation's matrix, in six queries whatever its size (members, modules, and `gather()`'s four).

    With `run`, the columns are that run's modules and the rows only members enrolled
    (ENROLLED) in it. With `state`, the rows are the members with at least one module
    in that state. Totals count every member the filters keep; `page` picks the rows shown
    (`per_page=None`: every row on one page, as the CSV export wants). `held`, the organisation's `held_runs()`
    when the caller has them already (for the filter form), saves reading them again.
    """
    members = db.session.scalars(_members_query(organisation, run)).all()
    modules = _modules(organisation, run, held)
    facts = gather([member.id for member in members], modules)
    rows = [Row(member, [_cell(facts[member.id, module.id]) for module in modules]) for member in members]
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


def _cell(facts: ModuleFacts) -> Cell:
    return Cell(module_state(facts), state_date(facts))


def _members_query(organisation: Organisation, run: Run | None):
    training_leaders = select(Enrolment.user_id).where(Enrolment.state == EnrolmentState.ENROLLED)
    query = (select(User).where(User.organisation_id == organisation.id, User.is_active_account.is_(True),
                                User.is_trainee.is_(True)
                                | (User.is_leader.is_(True) & User.id.in_(training_leaders)))
             .order_by(User.display_name, User.id))
    if run is not None:
        query = query.where(User.id.in_(select(Enrolment.user_id).where(
            Enrolment.run_id == run.id, Enrolment.state == EnrolmentState.ENROLLED)))
    return query


def _held_runs_query(organisation: Organisation):
    members = _members_query(organisation, None).with_only_columns(User.id).order_by(None)
    return select(Run).where(Run.id.in_(select(Enrolment.run_id).where(
        Enrolment.user_id.in_(members), Enrolment.state == EnrolmentState.ENROLLED)))


def held_runs(organisation: Organisation) -> list[Run]:
    """Runs in which at least one of the organisation's active learners holds a seat, newest first."""
    return db.session.scalars(_held_runs_query(organisation).options(joinedload(Run.course))
                              .order_by(Run.starts_at.desc(), Run.id)).all()


def _modules(organisation: Organisation, run: Run | None, held: list[Run] | None) -> list[Module]:
    """The columns: the run's course's modules; else those of the courses held; else the whole catalogue's."""
    query = (select(Module).join(CourseModule, CourseModule.module_id == Module.id).join(Course)
             .where(Module.is_retired.is_(False)).order_by(Course.position, Course.id, CourseModule.position))
    if run is not None:
        query = query.where(Course.id == run.course_id)
    else:
        # Two plain queries: one that ORs "the courses held" with "none is held" defeats PostgreSQL's planner.
        held_courses = ({run.course_id for run in held} if held is not None else
                        set(db.session.scalars(_held_runs_query(organisation).with_only_columns(Run.course_id))))
        query = query.where(Course.id.in_(held_courses) if held_courses else Course.is_retired.is_(False))
    # A module in several courses is one column, where it first appears.
    return list(dict.fromkeys(db.session.scalars(query)))


#: a cell in each state, around the link to the member's report: the state's colour class and its name, escaped once
_CELL_OPENINGS = {state: Markup('<td class="matrix-state {}"><a class="matrix-link" href="').format(state.css)
                  for state in ModuleState}
_CELL_LINK_ENDS = {state: Markup('">{}</a>').format(state.value) for state in ModuleState}


def cells_html(row: Row, zone: ZoneInfo, dates: dict, report_url: str) -> Markup:
    """One row's cells as HTML, each its state's name (and colour) linking to the member's report, and the date
    reached in `zone`.

    Built here, not by the template: 2,400 cells through a template loop, filters and time-zone
    conversions cost more than everything else on the page. `dates` memoises the formatted dates
    across the rows of one page (members reach states on the same days).
    """
    parts, link = [], escape(report_url)
    for cell in row.cells:
        parts += [_CELL_OPENINGS[cell.state], link, _CELL_LINK_ENDS[cell.state]]
        if cell.date is not None:
            day = cell.date.astimezone(zone).date()
            text = dates.get(day)
            if text is None:
                text = dates[day] = escape(format_date(day))
            parts.append(f'<br><span class="small">{text}</span>')
        parts.append("</td>")
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
