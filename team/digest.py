"""The weekly digest: a project leader's Monday e-mail about their project's week, sent once per leader and week.

`flask team send-digests` (team/commands.py) may run from cron on several machines, and more than once a
week: each leader's week is claimed by inserting a `SentDigest` row (INSERT ... ON CONFLICT DO NOTHING on
its unique key) in the same transaction as the e-mail, so a second run, or a second runner waiting on the
key, inserts nothing and sends nothing.

The week is the last whole Monday-to-Monday week in the leader's own time zone, so a run on any day of a
week reports the week before it, and every run that week reports the same one.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import NotificationSettings, Organisation, OrganisationState, User
from core.db import insert_if_absent, utcnow
from core.extensions import db
from core.mail import queue_mail
from core.text import quantity
from core.timezones import local_to_utc
from core.urls import absolute_url
from curriculum.models import Module
from mentoring.models import Attendance, Booking, BookingState
from modules.models import SignOff, SignOffAction, SignOffEvent
from plans.overview import team_plans
from team.behind import BehindMember, behind_schedule
from team.matrix import DONE_STATES, build_matrix
from team.models import SentDigest


@dataclass(frozen=True)
class Week:
    #: the Monday it starts, in the leader's zone
    starting: date
    #: [starts_at, ends_at) in UTC
    starts_at: datetime
    ends_at: datetime


def last_week(now: datetime, zone: str) -> Week:
    """The last whole Monday-to-Monday week before `now`, in `zone`."""
    today = now.astimezone(ZoneInfo(zone)).date()
    this_monday = today - timedelta(days=today.weekday())
    monday = this_monday - timedelta(weeks=1)
    return Week(monday, local_to_utc(monday, time(0), zone), local_to_utc(this_monday, time(0), zone))


@dataclass(frozen=True)
class Digest:
    organisation: Organisation
    week: Week
    #: (member, module) for each module a member completed (signed off, or complete without sign-off) that week
    completed: list[tuple[User, Module]]
    #: sign-off steps on members' modules that week, by kind
    sign_off_steps: Counter
    sessions_held: int
    no_shows: int
    #: members with modules past their due date and still to do, as the leader's Behind schedule page lists them
    behind_schedule: list[BehindMember]
    #: (member, steps overdue) for members whose learning plan has steps past their target date
    plan_overdue: list[tuple[User, int]]

    @property
    def sign_off_summary(self) -> str:
        """E.g. "2 requests, 1 returned for revision, 3 signed off"."""
        steps = self.sign_off_steps
        words = {SignOffAction.REQUESTED: quantity(steps[SignOffAction.REQUESTED], "request"),
                 SignOffAction.RESUBMITTED: quantity(steps[SignOffAction.RESUBMITTED], "revised answer"),
                 SignOffAction.RETURNED: f"{steps[SignOffAction.RETURNED]} returned for revision",
                 SignOffAction.SIGNED_OFF: f"{steps[SignOffAction.SIGNED_OFF]} signed off",
                 SignOffAction.REVOKED: f"{steps[SignOffAction.REVOKED]} revoked"}
        return ", ".join(words[action] for action in SignOffAction if steps[action]) or "none"

    @property
    def is_quiet(self) -> bool:
        return not (self.completed or self.sign_off_steps or self.sessions_held or self.no_shows
                    or self.behind_schedule or self.plan_overdue)


def digest_for(organisation: Organisation, week: Week, now: datetime, today: date) -> Digest:
    """What the app knows of the project's week, and who is behind as of `now` (`today` in the leader's zone):
    a fixed number of queries, whatever the project's size."""
    matrix = build_matrix(organisation, per_page=None)
    completed = [(row.member, module) for row in matrix.rows for module, cell in zip(matrix.modules, row.cells)
                 if cell.state in DONE_STATES and cell.date and week.starts_at <= cell.date < week.ends_at]
    members = select(User.id).where(User.organisation_id == organisation.id)
    steps = Counter(db.session.scalars(
        select(SignOffEvent.action).join(SignOff, SignOff.id == SignOffEvent.sign_off_id)
        .where(SignOff.learner_id.in_(members), SignOffEvent.at >= week.starts_at, SignOffEvent.at < week.ends_at)))
    attendance = Counter(db.session.scalars(
        select(Booking.attendance).where(Booking.learner_id.in_(members), Booking.state == BookingState.CONFIRMED,
                                         Booking.ends_at >= week.starts_at, Booking.ends_at < week.ends_at)))
    no_shows = attendance.pop(Attendance.NO_SHOW, 0)
    plan_overdue = [(row.person, row.overdue) for row in team_plans(organisation, today) if row.overdue]
    return Digest(organisation, week, completed, Counter({action: steps[action] for action in SignOffAction
                                                          if steps[action]}),
                  sum(attendance.values()), no_shows, behind_schedule(organisation, now), plan_overdue)


def leaders_wanting_digests() -> list[User]:
    """Active leaders of approved projects who ticked the weekly digest."""
    return list(db.session.scalars(
        select(User).join(NotificationSettings, NotificationSettings.user_id == User.id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(NotificationSettings.weekly_digest.is_(True), User.is_leader.is_(True),
               User.is_active_account.is_(True), Organisation.state == OrganisationState.APPROVED)
        .order_by(User.id).options(selectinload(User.organisation))))


def send_digest(leader: User, now: datetime | None = None) -> bool:
    """Claim the leader's last week and queue its digest; False, sending nothing, when that week's went already.

    Flushes; the caller commits (the claim and the e-mail go together).
    """
    now = now or utcnow()
    week = last_week(now, leader.timezone)
    if not insert_if_absent(SentDigest, leader_id=leader.id, week_starting=week.starting, sent_at=now):
        return False
    digest = digest_for(leader.organisation, week, now, now.astimezone(ZoneInfo(leader.timezone)).date())
    last_day = week.starting + timedelta(days=6)
    queue_mail(leader.email, f"{leader.organisation.name}: your week to {last_day:%-d %B %Y}", render_template(
        "team/email/weekly_digest.txt", leader=leader, digest=digest, last_day=last_day,
        zone=leader.timezone, matrix_link=absolute_url("team.show_matrix", organisation_id=leader.organisation_id),
        behind_link=absolute_url("team.show_behind", organisation_id=leader.organisation_id),
        settings_link=absolute_url("accounts.edit_notifications")))
    return True
