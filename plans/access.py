"""Who may take, read and act on a person's needs assessment and learning plan.

A person's assessments and plan belong to them. Leaders of their project read
them (and set up a trainee's first assessment); mentors read them when they
mentor the person: a session booked together, or a seat in a run they mentor.
Administrators see only anonymised totals, never one person's answers.
"""
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from courses.access import is_mentor_of
from mentoring.models import Booking, BookingState
from plans.models import Assessment, Plan


def leads(user, person: User) -> bool:
    """True when `user` leads the project `person` belongs to (and is someone else)."""
    return (user.is_authenticated and user.is_leader and user.id != person.id
            and user.organisation_id is not None and user.organisation_id == person.organisation_id)


def mentors(user, person_id: int) -> bool:
    """True when `user` is a mentor with a confirmed session with the person, mentors a run they have a seat in,
    or is the mentor of their plan."""
    if not user.is_authenticated or not user.is_mentor or user.id == person_id:
        return False
    booked = db.session.scalar(select(Booking.id).where(
        Booking.mentor_id == user.id, Booking.learner_id == person_id, Booking.state == BookingState.CONFIRMED
    ).limit(1))
    if booked is not None or is_mentor_of(user.id, person_id):
        return True
    return db.session.scalar(select(Plan.id).where(Plan.person_id == person_id, Plan.mentor_id == user.id)) is not None


def has_assessment(person_id: int) -> bool:
    return db.session.scalar(select(Assessment.id).where(Assessment.person_id == person_id).limit(1)) is not None


def can_assess(user, person: User) -> bool:
    """Leaders assess themselves, and set up the assessment of a trainee in their project; a trainee retakes one
    their leader set up."""
    if not user.is_authenticated or not person.is_active:
        return False
    if user.id == person.id:
        return person.is_leader or (person.is_trainee and has_assessment(person.id))
    return person.is_trainee and leads(user, person)


def can_view_needs(user, person: User) -> bool:
    """The person, their project's leaders and their mentors read their assessments and plan."""
    return user.is_authenticated and (user.id == person.id or leads(user, person) or mentors(user, person.id))


def can_adjust_plan(user, person: User, plan: Plan | None) -> bool:
    """The person and their plan's mentor adjust the plan together; a leader adjusts the plan of a trainee they
    lead. Proposing a plan needs an assessment to propose it from (see the views)."""
    if not user.is_authenticated or not person.is_active:
        return False
    return (user.id == person.id or (plan is not None and plan.mentor_id == user.id)
            or (person.is_trainee and leads(user, person)))


def can_list_mentee_plans(user) -> bool:
    """Mentors list the plans of the people they mentor, to read before each session."""
    return user.is_authenticated and user.is_mentor


def can_view_team_plans(user, organisation) -> bool:
    """A project's leaders list its members' plans (administrators see only anonymised totals)."""
    return user.is_authenticated and user.is_leader and user.organisation_id == organisation.id


def can_book_package(user, plan: Plan, profile) -> bool:
    """The person books their agreed package with the plan's mentor, once (again only if every session was
    cancelled), when that mentor takes bookings from them."""
    return (user.is_authenticated and user.id == plan.person_id and plan.is_package_agreed and plan.has_package
            and profile is not None and profile.can_book(user) and not _package_booked(plan))


def _package_booked(plan: Plan) -> bool:
    if plan.series_id is None:
        return False
    return db.session.scalar(select(Booking.id).where(Booking.series_id == plan.series_id,
                                                      Booking.state == BookingState.CONFIRMED).limit(1)) is not None


def can_record_session(user, booking: Booking) -> bool:
    """The mentor of a session ticks the person's plan goals off and adds action points from it."""
    return user.is_authenticated and booking.is_confirmed and user.id == booking.mentor_id


def can_see_needs_totals(user) -> bool:
    """Administrators see anonymised totals of needs and of runs asked for, never one person's answers."""
    return user.is_authenticated and user.is_admin
