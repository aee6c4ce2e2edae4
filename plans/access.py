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
from plans.models import Assessment


def leads(user, person: User) -> bool:
    """True when `user` leads the project `person` belongs to (and is someone else)."""
    return (user.is_authenticated and user.is_leader and user.id != person.id
            and user.organisation_id is not None and user.organisation_id == person.organisation_id)


def mentors(user, person_id: int) -> bool:
    """True when `user` is a mentor with a confirmed session with the person, or mentors a run they have a seat in."""
    if not user.is_authenticated or not user.is_mentor or user.id == person_id:
        return False
    booked = db.session.scalar(select(Booking.id).where(
        Booking.mentor_id == user.id, Booking.learner_id == person_id, Booking.state == BookingState.CONFIRMED
    ).limit(1))
    return booked is not None or is_mentor_of(user.id, person_id)


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
