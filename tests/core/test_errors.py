"""Refusals are answered in one place: the action is undone and the person is told why."""
from flask import get_flashed_messages

from accounts.models import Organisation
from certificates.operations import CertificateRefusal
from core.errors import Refusal, back_on_refusal, handle_refusal
from mentoring.bookings import SeriesConflict, SlotTaken
from modules.attempts import QuizRefusal
from modules.signoffs import SignOffRefusal


def test_every_refusal_of_the_rules_is_a_refusal():
    for refusal in (QuizRefusal("x"), SignOffRefusal("x"), CertificateRefusal("x"), SlotTaken([]),
                    SeriesConflict([])):
        assert isinstance(refusal, Refusal) and refusal.status == 409
    assert SignOffRefusal("Write your answer to the exercise.", status=400).status == 400


def test_a_refusal_rolls_back_and_goes_back_with_its_message(app, db):
    with app.test_request_context("/somewhere", method="POST"):
        db.session.add(Organisation(name="Half written", institution="Nowhere"))
        back_on_refusal("/back-here")
        response = handle_refusal(QuizRefusal("You have used all your attempts at this quiz (2)."))
        assert response.status_code == 302 and response.headers["Location"] == "/back-here"
        assert get_flashed_messages(with_categories=True) == [
            ("error", "You have used all your attempts at this quiz (2).")]
        assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


def test_a_refusal_with_nowhere_to_go_back_shows_its_message_and_status(app, db):
    with app.test_request_context("/somewhere", method="POST"):
        body, status = handle_refusal(SignOffRefusal("Say what the trainee should change.", status=400))
        assert status == 400 and "Say what the trainee should change." in body


def test_the_app_routes_refusals_to_the_handler(app):
    assert app.error_handler_spec[None][None][Refusal] is handle_refusal
