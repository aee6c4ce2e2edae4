"""The item analysis page is cached under the quiz's analysis version: served from the cache until an attempt is
graded, marked or regraded, and changed at once after any of them, on each cache backend."""
import pytest

from core.db import utcnow
from core.extensions import cache, db
from curriculum.models import Question
from modules.attempts import mark, regrade_question, save_answers, start_attempt, submit
from tests.modules.quiz_helpers import awaiting_marking, fixture_quiz


@pytest.fixture
def page(client, login_as, make_user, curriculum, cache_backend):
    """The analysis page of all attempts at the fixture quiz as an administrator sees it."""
    login_as(make_user("admin"))
    url = f"/admin/quizzes/{fixture_quiz().id}/analysis?attempts=all"

    def get() -> str:
        """The report: the page from the form choosing the attempts to the end of its main part (the page
        around it carries a CSRF token that changes by the second)."""
        response = client.get(url)
        assert response.status_code == 200
        main = response.get_data(as_text=True).split("<main", 1)[1]
        return main.split("</form>", 1)[1].split("</main>", 1)[0]

    return get


def _fresh(app, page) -> str:
    """The page as it is rendered from the sums, nothing cached."""
    with app.app_context():
        cache.clear()
    return page()


def _graded_attempt(trainee, right: bool):
    quiz = fixture_quiz()
    quiz.draw = None
    attempt = start_attempt(quiz, trainee)
    save_answers(attempt, {row.id: row.question.kind.sample_answer(row.question.data, right, row.option_order)
                           for row in attempt.answers if not row.question.kind.is_marked_by_person}, utcnow(), 1)
    submit(attempt)
    db.session.commit()
    return attempt


def test_a_second_view_is_served_from_the_cache(page, count_queries):
    first = page()
    with count_queries() as queries:
        assert page() == first
    assert not [statement for statement in queries if "quiz_item_sums" in statement or "questions" in statement]
    assert len(queries) <= 3  # the person signed in, the quiz, the unread notices


def test_the_page_changes_as_soon_as_a_mentor_marks_the_last_written_answer(app, page, make_user):
    attempt, written = awaiting_marking(make_user("trainee"))
    before = page()
    assert "Finished attempts</dt><dd class=\"col-sm-9\">0<" in before
    mark(written, written.points, "", make_user("mentor"))
    db.session.commit()
    after = page()
    assert "Finished attempts</dt><dd class=\"col-sm-9\">1<" in after
    assert after == _fresh(app, page)


def test_the_page_changes_as_soon_as_an_attempt_is_graded_or_regraded(app, page, make_user):
    _graded_attempt(make_user("trainee"), right=True)
    one = page()
    assert "Finished attempts</dt><dd class=\"col-sm-9\">1<" in one
    _graded_attempt(make_user("trainee"), right=False)
    two = page()
    assert "Finished attempts</dt><dd class=\"col-sm-9\">2<" in two
    assert two == _fresh(app, page)

    question = next(q for q in fixture_quiz().questions if q.type == "single")
    data = dict(question.data)
    data["options"] = [dict(option, correct=not option["correct"]) for option in data["options"]]
    db.session.execute(db.update(Question).where(Question.id == question.id).values(data=data))
    db.session.expire(question)
    assert regrade_question(question, make_user("admin")) > 0
    db.session.commit()
    regraded = page()
    assert regraded != two
    assert regraded == _fresh(app, page)
