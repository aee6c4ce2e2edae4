"""The mentoring package's summary (goals met, open items, next steps), as plain values and as a PDF."""
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import fontpkg_crimson_text
import fontpkg_noto_sans
from fpdf import FPDF

from plans.models import Plan
from plans.progress import ItemProgress, PlanProgress

NEXT_STEPS = 3
_FONT_FILES = Path(fontpkg_crimson_text.ROOT) / "files"
_FALLBACK_FONT = Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"
_INK, _ACCENT, _MUTED = (33, 37, 41), (26, 79, 139), (90, 98, 106)


@dataclass
class Summary:
    name: str
    sessions: int
    held: int
    first_session: datetime | None
    last_session: datetime | None
    is_over: bool
    met: list[ItemProgress] = field(default_factory=list)
    open: list[ItemProgress] = field(default_factory=list)
    next_steps: list[ItemProgress] = field(default_factory=list)


def summarise(plan: Plan, progress: PlanProgress, now: datetime) -> Summary:
    """Goals met and steps done, what is still open (overdue first), and the next few steps in the plan's order."""
    package = progress.package
    confirmed = [b for b in (package.sessions if package else []) if b.is_confirmed]
    summary = Summary(
        name=plan.person.display_name, sessions=plan.package_sessions or 0, held=package.held if package else 0,
        first_session=confirmed[0].starts_at if confirmed else None,
        last_session=confirmed[-1].starts_at if confirmed else None,
        is_over=bool(confirmed) and confirmed[-1].ends_at <= now)
    summary.met = [entry for entry in progress.items if entry.is_done]
    still_open = [entry for entry in progress.items if not entry.is_done]
    summary.open = sorted(still_open, key=lambda entry: not entry.is_overdue)
    summary.next_steps = still_open[:NEXT_STEPS]
    return summary


def _on(moment: date | datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return "no date"
    if isinstance(moment, datetime):
        moment = moment.astimezone(zone).date()
    return f"{moment:%-d %B %Y}"


def summary_pdf(summary: Summary, zone: ZoneInfo, made_on: date) -> bytes:
    """One A4 page (more if the plan is long) the leader keeps: the package, goals met, open items, next steps."""
    pdf = FPDF(format="A4")
    pdf.set_title(f"Mentoring package summary: {summary.name}")
    pdf.set_author("Casework Academy")
    pdf.set_margins(20, 18, 20)
    pdf.add_font("Crimson", "", _FONT_FILES / "CrimsonText-Regular.ttf")
    pdf.add_font("Crimson", "B", _FONT_FILES / "CrimsonText-Bold.ttf")
    pdf.add_font("NotoSans", "", _FALLBACK_FONT)
    pdf.set_fallback_fonts(["NotoSans"], exact_match=False)
    pdf.add_page()

    def text(words: str, size=11, style="", colour=_INK, gap=0.0):
        pdf.set_font("Crimson", style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, size * 0.5, words, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def step(entry: ItemProgress) -> str:
        item = entry.item
        when = f"done {_on(item.done_at, zone)}" if item.done_at else (
            f"target {_on(item.target_on, zone)}" if item.target_on else "no target date")
        extra = f" ({entry.detail})" if entry.state else ""
        overdue = " — overdue" if entry.is_overdue else ""
        return f"• {item.kind.value}: {item.label}{extra}; {when}{overdue}"

    text("CASEWORK ACADEMY", 11, "B", _ACCENT)
    text(f"Mentoring package summary: {summary.name}", 20, "B", gap=2)
    span = (f"from {_on(summary.first_session, zone)} to {_on(summary.last_session, zone)}"
            if summary.first_session else "not booked yet")
    text(f"{summary.held} of {summary.sessions} sessions held, {span}. "
         + ("The package is over." if summary.is_over else f"Summary so far, made on {made_on:%-d %B %Y}."),
         11, colour=_MUTED, gap=4)
    for heading, entries, empty in (("Goals met and steps done", summary.met, "None yet."),
                                    ("Open items", summary.open, "Nothing open: every step is done."),
                                    ("Next steps", summary.next_steps, "Take the needs assessment again and agree "
                                                                       "the next plan with your mentor.")):
        text(heading, 14, "B", _ACCENT, gap=1)
        for entry in entries:
            text(step(entry), 11)
            if entry.item.success_criteria:
                text(f"   Success looks like: {entry.item.success_criteria}", 10, colour=_MUTED)
        if not entries:
            text(empty, 11, colour=_MUTED)
        pdf.ln(3)
    return bytes(pdf.output())
