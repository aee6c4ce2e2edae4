"""Places with a waitlist, shared by course runs (enrolments) and events (registrations).

A `Seating` describes where the places are held: the rows that hold them, the
column naming what they are places in (a run, an event), and the states meaning
"has a place" and "waiting". It answers the questions every seat rule asks;
the callers decide what happens (audit, e-mail). Callers change places only
with the parent row locked (`core.db.lock_for_update`), so concurrent requests
cannot overfill it nor promote the same person twice.
"""
import enum
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from core.extensions import db


@dataclass(frozen=True)
class Seating:
    #: the mapped class whose rows hold places; it has `state` and `state_changed_at` columns
    holder: type
    #: the holder's column naming what the place is in, e.g. `Enrolment.run_id`
    parent: InstrumentedAttribute
    seated: enum.Enum
    #: None where a full parent refuses newcomers instead of keeping a waitlist
    waiting: enum.Enum | None = None

    def taken(self, parent_ids) -> dict[int, int]:
        """Places held, per parent, in one query (parents with none are absent)."""
        return dict(db.session.execute(
            select(self.parent, func.count()).where(self.parent.in_(list(parent_ids)),
                                                    self.holder.state == self.seated)
            .group_by(self.parent)).all())

    def taken_in(self, parent_id):
        """Places held in the parent whose id is `parent_id` (a column of the enclosing query): a correlated count,
        so the parents and their places come in one query."""
        return (select(func.count()).where(self.parent == parent_id, self.holder.state == self.seated)
                .scalar_subquery())

    def is_full(self, parent_id: int, capacity: int) -> bool:
        """No place is free (the parent row must be locked for the answer to hold until commit)."""
        return self.taken([parent_id]).get(parent_id, 0) >= capacity

    def state_for_newcomer(self, parent_id: int, capacity: int) -> enum.Enum:
        """A place while one is free, else the waitlist (the parent row must be locked)."""
        return self.waiting if self.is_full(parent_id, capacity) else self.seated

    def next_in_line(self, parent_id: int, capacity: int) -> list:
        """The waiting holders that now fit in the free places, first come first served (parent row locked)."""
        free = capacity - self.taken([parent_id]).get(parent_id, 0)
        if free <= 0:
            return []
        return db.session.scalars(
            select(self.holder).where(self.parent == parent_id, self.holder.state == self.waiting)
            .order_by(self.holder.state_changed_at, self.holder.id).limit(free)).all()
