"""Booking a plan's mentoring package: one series with the plan's mentor, through the mentoring package's own
series booking (all sessions or none). Flush only; views commit."""
from datetime import datetime, timedelta

from accounts.models import User
from core.errors import Refusal
from mentoring import bookings
from mentoring.models import Booking, MentorProfile
from plans.models import Plan, PlanItemKind
from plans.planning import record_change


def topics_text(plan: Plan, titles: dict[str, str]) -> str:
    return ", ".join(titles.get(key, key) for key in plan.package_topics) or "the learning plan"


def book_package(plan: Plan, profile: MentorProfile, by: User, first: datetime, titles: dict[str, str],
                 request_key: str | None) -> list[Booking]:
    """Book the agreed package from `first`, every `package_every_weeks` weeks, and tie the series to the plan.

    Raises Refusal when the package is not agreed or is booked already, and
    mentoring's SeriesConflict (nothing written) when a session is not free.
    """
    if not plan.is_package_agreed or not plan.has_package:
        raise Refusal("Agree the mentoring package before booking it.")
    goals = [item.title for item in plan.items if item.kind is PlanItemKind.GOAL and item.done_at is None]
    booked = bookings.book_series(
        profile, plan.person, by, first, timedelta(minutes=plan.package_minutes), plan.package_sessions,
        plan.package_every_weeks, f"Learning plan: {topics_text(plan, titles)}"[:200],
        agenda="Goals of the plan:\n" + "\n".join(f"- {goal}" for goal in goals) if goals else "",
        request_key=request_key)
    if plan.series_id != booked[0].series_id:
        plan.series_id = booked[0].series_id
        record_change(plan, by, f"Booked the mentoring package: {len(booked)} sessions with "
                                f"{profile.mentor.display_name}, the first on {first:%-d %B %Y}")
    return booked
