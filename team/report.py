"""One trainee's report for their leader: each module's state, the way there over time, attempts, sign-offs, sessions.

Built in a fixed number of queries from the same facts as the matrix (`modules.completion`), so a cell and the
report never disagree.
"""
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import fontpkg_noto_sans
from fpdf import FPDF
from fpdf.fonts import FontFace
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from courses.models import Course, CourseModule, Enrolment, EnrolmentState, Run
from curriculum.models import Lesson, Module, Quiz
from events.attendance import hours_label
from events.checkin import AttendedEvent, attended_by
from mentoring.models import Booking, BookingState
from modules.completion import ModuleState, gather, module_state, state_date
from modules.models import FINISHED_STATES, Attempt, LessonRead, SignOff, SignOffEvent


@dataclass(frozen=True)
class ModuleLine:
    module: Module
    state: ModuleState
    #: when the module reached its state
    date: datetime | None
    lessons_read: int
    lessons_total: int
    #: the best grade of a finished attempt, in per cent
    best_grade: float | None


@dataclass(frozen=True)
class ProgressPoint:
    day: date
    #: lessons read by the end of that day, across the report's modules
    lessons_read: int


@dataclass(frozen=True)
class TraineeReport:
    member: User
    modules: list[ModuleLine]
    progress: list[ProgressPoint]
    lessons_total: int
    attempts: list[Attempt]
    sign_off_events: list[SignOffEvent]
    sessions: list[Booking]
    attended_events: list[AttendedEvent]

    @property
    def event_hours(self) -> float:
        return round(sum(item.hours for item in self.attended_events), 2)

    @property
    def modules_done(self) -> int:
        return sum(line.state in (ModuleState.SIGNED_OFF, ModuleState.COMPLETE) for line in self.modules)


def can_view_report(viewer, member: User) -> bool:
    """The trainee themself, and whoever may see their organisation's matrix (its leaders, administrators)."""
    if not viewer.is_authenticated:
        return False
    if viewer.id == member.id:
        return True
    return member.organisation is not None and member.organisation.can_view_matrix(viewer)


def report_modules(member: User) -> list[Module]:
    """The modules of the courses the member holds a seat on, in catalogue order."""
    held = select(Run.course_id).join(Enrolment).where(Enrolment.user_id == member.id,
                                                        Enrolment.state == EnrolmentState.ENROLLED)
    query = (select(Module).join(CourseModule, CourseModule.module_id == Module.id).join(Course)
             .where(Module.is_retired.is_(False), Course.id.in_(held))
             .order_by(Course.position, Course.id, CourseModule.position))
    return list(dict.fromkeys(db.session.scalars(query)))


def build_report(member: User, zone: ZoneInfo) -> TraineeReport:
    modules = report_modules(member)
    facts = gather([member.id], modules)
    module_ids = [module.id for module in modules]
    attempts = db.session.scalars(
        select(Attempt).join(Quiz).where(Attempt.user_id == member.id, Quiz.module_id.in_(module_ids))
        .order_by(Attempt.started_at.desc()).options(selectinload(Attempt.quiz))).all()
    best: dict[int, float] = {}
    for attempt in attempts:
        if attempt.state in FINISHED_STATES and attempt.grade is not None:
            best[attempt.quiz.module_id] = max(best.get(attempt.quiz.module_id, 0.0), attempt.grade)
    lines = []
    for module in modules:
        fact = facts[member.id, module.id]
        lines.append(ModuleLine(module, module_state(fact), state_date(fact), fact.lessons_read, fact.lessons_total,
                                best.get(module.id)))
    reads = db.session.scalars(
        select(LessonRead.read_at).join(Lesson, Lesson.id == LessonRead.lesson_id)
        .where(LessonRead.user_id == member.id, Lesson.module_id.in_(module_ids), Lesson.is_retired.is_(False))
        .order_by(LessonRead.read_at)).all()
    events = db.session.scalars(
        select(SignOffEvent).join(SignOff).where(SignOff.learner_id == member.id)
        .order_by(SignOffEvent.at.desc()).options(selectinload(SignOffEvent.sign_off).selectinload(SignOff.module),
                                                  selectinload(SignOffEvent.actor))).all()
    sessions = db.session.scalars(
        select(Booking).where(Booking.learner_id == member.id, Booking.state == BookingState.CONFIRMED,
                              Booking.starts_at <= utcnow())
        .order_by(Booking.starts_at.desc()).limit(50).options(selectinload(Booking.mentor))).all()
    return TraineeReport(member=member, modules=lines, progress=progress_by_day(reads, zone),
                         lessons_total=sum(line.lessons_total for line in lines), attempts=list(attempts),
                         sign_off_events=list(events), sessions=list(sessions),
                         attended_events=attended_by(member.id))


def progress_by_day(read_times: list[datetime], zone: ZoneInfo) -> list[ProgressPoint]:
    """Cumulative lessons read at the end of each day on which some were read, days in the viewer's zone."""
    points: dict[date, int] = {}
    for count, read_at in enumerate(sorted(read_times), start=1):
        points[read_at.astimezone(zone).date()] = count
    return [ProgressPoint(day, total) for day, total in points.items()]


@dataclass(frozen=True)
class Chart:
    """An SVG line chart's geometry: the polyline's points and the labels of its axes."""

    width: int
    height: int
    points: str
    first_day: date | None
    last_day: date | None
    top: int


def progress_chart(progress: list[ProgressPoint], lessons_total: int, width: int = 640, height: int = 200,
                   margin: int = 36) -> Chart:
    """Lessons read over time, as a step line from the first day to the last, scaled to the lessons there are."""
    top = max(lessons_total, max((point.lessons_read for point in progress), default=0), 1)
    if not progress:
        return Chart(width, height, "", None, None, top)
    first, last = progress[0].day, progress[-1].day
    span = max((last - first).days, 1)
    plot_width, plot_height = width - 2 * margin, height - 2 * margin

    def x(day: date) -> float:
        return margin + plot_width * (day - first).days / span

    def y(count: int) -> float:
        return margin + plot_height * (1 - count / top)

    coordinates, previous = [(x(first), y(0))], 0
    for point in progress:
        coordinates += [(x(point.day), y(previous)), (x(point.day), y(point.lessons_read))]
        previous = point.lessons_read
    if len(progress) == 1:
        coordinates.append((margin + plot_width, y(previous)))
    return Chart(width, height, " ".join(f"{px:.1f},{py:.1f}" for px, py in coordinates), first, last, top)


_FONT = Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"


def report_pdf(report: TraineeReport, zone: ZoneInfo, generated_at: datetime) -> bytes:
    """The report as an A4 PDF for the trainee's file: the same sections as the page, as tables."""
    pdf = FPDF(format="A4")
    pdf.set_title(f"Training report: {report.member.display_name}")
    pdf.add_font("NotoSans", "", _FONT)
    pdf.add_page()
    pdf.set_font("NotoSans", "", 18)
    pdf.multi_cell(0, 10, f"Training report: {report.member.display_name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("NotoSans", "", 10)
    pdf.multi_cell(0, 6, f"{report.modules_done} of {len(report.modules)} modules done · "
                         f"{sum(line.lessons_read for line in report.modules)} of {report.lessons_total} lessons read · "
                         f"produced {generated_at.astimezone(zone):%d %B %Y %H:%M} ({zone.key})",
                   new_x="LMARGIN", new_y="NEXT")

    def section(title: str, headings: tuple[str, ...], rows: list[tuple[str, ...]], empty: str) -> None:
        pdf.ln(4)
        pdf.set_font("NotoSans", "", 13)
        pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("NotoSans", "", 9)
        if not rows:
            pdf.cell(0, 6, empty, new_x="LMARGIN", new_y="NEXT")
            return
        with pdf.table(headings_style=FontFace(emphasis=None, fill_color=(220, 235, 240))) as table:
            for row in [headings, *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(value)

    def when(moment: datetime | None) -> str:
        return f"{moment.astimezone(zone):%d %b %Y}" if moment else "—"

    section("Modules", ("Module", "State", "Since", "Lessons", "Best quiz grade"),
            [(line.module.title, line.state.value, when(line.date), f"{line.lessons_read} of {line.lessons_total}",
              "—" if line.best_grade is None else f"{line.best_grade:.0f}%") for line in report.modules],
            "Not enrolled on a course yet.")
    section("Quiz attempts", ("Quiz", "Attempt", "Started", "State", "Grade"),
            [(attempt.quiz.title, str(attempt.number), when(attempt.started_at), attempt.state.value,
              "—" if attempt.grade is None else f"{attempt.grade:.0f}%") for attempt in report.attempts],
            "No attempts yet.")
    section("Sign-off history", ("Module", "What happened", "When", "By"),
            [(event.sign_off.module.title, event.action.value, when(event.at),
              event.actor.display_name if event.actor else "—") for event in report.sign_off_events],
            "No sign-off requested yet.")
    section("Mentoring sessions held", ("Session", "Mentor", "When", "Attendance"),
            [(booking.topic, booking.mentor.display_name, when(booking.starts_at),
              booking.attendance.value if booking.attendance else "—") for booking in report.sessions],
            "No sessions yet.")
    section(f"Events attended ({hours_label(report.event_hours)} of training)", ("Event", "Days", "Hours"),
            [(item.title, ", ".join(f"{day:%d %b %Y}" for day in item.days), f"{item.hours:g}")
             for item in report.attended_events],
            "No event attended yet.")
    return bytes(pdf.output())
