from types import SimpleNamespace

from modules.progress import Progress, combined, lesson_progress, next_unread


def test_lesson_progress_counts_only_the_module_lessons():
    progress = lesson_progress([1, 2, 3, 4], {2, 4, 99})
    assert (progress.done, progress.total, progress.percent, progress.is_complete) == (2, 4, 50, False)


def test_progress_of_an_empty_module_is_zero_and_not_complete():
    assert lesson_progress([], set()) == Progress(0, 0)
    assert Progress(0, 0).percent == 0 and not Progress(0, 0).is_complete


def test_course_progress_adds_its_modules():
    total = combined([Progress(2, 4), Progress(3, 3), Progress(0, 5)])
    assert total == Progress(5, 12) and total.percent == 42


def test_next_unread_keeps_reading_order():
    lessons = [SimpleNamespace(id=i) for i in (10, 11, 12)]
    assert next_unread(lessons, {10}).id == 11
    assert next_unread(lessons, {10, 11, 12}) is None
