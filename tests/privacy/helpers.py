"""Privacy test helpers: a person with something in every area, and the access matrix's privacy rows."""
from datetime import timedelta

from certificates.models import Certificate
from certificates.operations import new_code
from core.db import utcnow
from core.extensions import db
from core.notices import notify
from curriculum.models import Module
from mentoring import bookings as ops
from mentoring.models import Booking
from modules.models import LessonRead
from privacy.models import ErasureRequest, NotesRequest
from tests.mentoring.helpers import first_free, open_every_day
from tests.modules.quiz_helpers import awaiting_marking
from tests.modules.signoff_helpers import add_sign_off_world, pdf_bytes

PRIVATE_NOTE = "Seemed anxious about the Smith case."
SHARED_NOTE = "Read the Court of Appeal guidance before next time."
WRITTEN_ANSWER = "The conviction is unsafe."
MARKER_COMMENT = "Good: now cite the authority."


def person_with_everything(trainee, mentor, run) -> dict:
    """Give `trainee` (enrolled on `run`, mentored by `mentor`) a row in every area holding personal data."""
    from modules.attempts import mark

    module = db.session.scalar(db.select(Module).where(Module.slug == "appeals-basics"))
    db.session.add(LessonRead(user_id=trainee.id, lesson_id=module.lessons[0].id))
    attempt, written = awaiting_marking(trainee)
    mark(written, 1, MARKER_COMMENT, mentor)
    ids = add_sign_off_world(trainee, run)
    profile = open_every_day(mentor)
    past = Booking(mentor_id=mentor.id, learner_id=trainee.id, topic="Reading the papers", agenda="My agenda",
                   private_note=PRIVATE_NOTE, shared_note=SHARED_NOTE, action_points="Draft the grounds.")
    ops.set_times(past, utcnow().replace(microsecond=0) - timedelta(days=3), timedelta(hours=1), 15)
    upcoming = Booking(mentor_id=mentor.id, learner_id=trainee.id, topic="Next steps")
    ops.set_times(upcoming, first_free(profile, trainee), timedelta(hours=1), profile.buffer_minutes)
    certificate = Certificate(code=new_code(), learner_id=trainee.id, run_id=run.id, name=trainee.display_name,
                              completed_at=utcnow())
    db.session.add_all([past, upcoming, certificate])
    notify([trainee.id], "Your sign-off request was received.")
    notify([mentor.id], f"{trainee.display_name} asked for sign-off.")
    db.session.commit()
    return ids | {"attempt": attempt.id, "written": written.id, "past_booking": past.id,
                  "upcoming_booking": upcoming.id, "certificate": certificate.id, "evidence": pdf_bytes()}


def add_world(people) -> dict:
    """For the access matrix: the trainee's waiting request for mentors' private notes, and the other trainee's
    request to be erased, its grace period over."""
    request = NotesRequest(user_id=people["trainee"].id)
    asked = utcnow() - timedelta(days=40)
    leaving = ErasureRequest(user_id=people["other_trainee"].id, requested_at=asked, due_at=asked + timedelta(days=30))
    db.session.add_all([request, leaving])
    db.session.commit()
    return {"notes_request": request.id, "trainee_email": people["trainee"].email, "erasure_request": leaving.id}
