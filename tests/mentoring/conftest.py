"""Mentoring fixtures: a mentor with open hours every day and a trainee on one of the mentor's runs."""
import pytest

from tests.mentoring.helpers import EVERY_DAY, open_every_day


@pytest.fixture
def make_profile(db):
    def make(mentor, windows=EVERY_DAY, **settings):
        return open_every_day(mentor, windows, **settings)

    return make


@pytest.fixture
def pair(make_user, make_run, enrol, make_profile):
    mentor = make_user("mentor", name="Morgan Mentor")
    trainee = make_user("trainee", name="Taylor Trainee")
    enrol(make_run(mentors=[mentor]), trainee)
    return mentor, trainee, make_profile(mentor)
