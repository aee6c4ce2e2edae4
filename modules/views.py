from flask import abort, current_app, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.db import utcnow
from core.extensions import db
from core.permissions import require
from core.timezones import viewer_timezone
from courses import structure
from courses.access import module_access
from curriculum.models import Lesson, Module
from mentoring.bookings import module_notes
from modules.attempts import standings
from modules.completion import can_request_sign_off, gather, module_state
from modules.progress import lesson_progress, next_unread, read_lesson_ids, record_read
from modules.related import related_to
from modules.signals import module_progressed


def module_or_404(slug: str) -> Module:
    module = db.session.scalar(select(Module).where(Module.slug == slug, Module.is_retired.is_(False))
                               .options(selectinload(Module.lessons), selectinload(Module.quiz)))
    if module is None:
        abort(404)
    return module


def modules_due_for_review(modules: list[Module]) -> list[Module]:
    """Those of `modules` whose last review is older than CONTENT_REVIEW_MONTHS, in the viewer's today."""
    today, months = utcnow().astimezone(viewer_timezone()).date(), current_app.config["CONTENT_REVIEW_MONTHS"]
    return [module for module in modules if module.is_due_for_review(today, months)]


def show_module(slug: str):
    module = module_or_404(slug)
    access = module_access(current_user, module)
    read_ids = read_lesson_ids([current_user.id])[current_user.id] if access.counts_progress else set()
    facts = gather([current_user.id], [module])[current_user.id, module.id] if access.counts_progress else None
    return render_template(
        "modules/show_module.html", module=module, access=access, read_ids=read_ids,
        state=module_state(facts) if facts else None, can_request_sign_off=facts and can_request_sign_off(facts),
        progress=lesson_progress([lesson.id for lesson in module.lessons], read_ids),
        next_lesson=next_unread(module.lessons, read_ids) if access.can_read else None,
        quiz_standing=standings(current_user.id, [module.quiz])[module.quiz.id]
        if access.counts_progress and module.quiz else None,
        session_notes=module_notes(current_user.id, module.id) if current_user.is_authenticated else [],
        is_due_for_review=bool(modules_due_for_review([module])),
        related_sections=related_to(module),
    )


def show_lesson(slug: str, lesson_slug: str):
    module = structure.listed_module(slug)
    if module is None:
        abort(404)
    lessons = module.lessons
    lesson = next((item for item in lessons if item.slug == lesson_slug), None)
    if lesson is None:
        abort(404)
    access = module_access(current_user, module)
    require(access.can_read)
    read_ids = read_lesson_ids([current_user.id])[current_user.id] if access.counts_progress else set()
    # Reading a lesson again writes nothing: only a first read is recorded (and committed).
    if access.counts_progress and lesson.id not in read_ids:
        record_read(current_user.id, lesson.id)
        read_ids.add(lesson.id)
        # Only reading the module's last unread lesson can complete it (and so a run).
        if lesson_progress([item.id for item in lessons], read_ids).is_complete:
            module_progressed.send(None, learner_id=current_user.id, module_ids=[module.id], now=utcnow())
        db.session.commit()
    index = next(i for i, item in enumerate(lessons) if item.id == lesson.id)
    return render_template(
        "modules/show_lesson.html", module=module, lesson=lesson, access=access,
        previous_lesson=lessons[index - 1] if index > 0 else None,
        next_lesson=lessons[index + 1] if index + 1 < len(lessons) else None,
        position=index + 1, progress=lesson_progress([item.id for item in lessons], read_ids),
        body=Lesson.safe_html(lesson.id),
    )


def list_module_reviews():
    require(Module.can_list_reviews(current_user))
    modules = db.session.scalars(select(Module).where(Module.is_retired.is_(False))
                                 .order_by(Module.reviewed_on.is_not(None), Module.reviewed_on, Module.title)).all()
    return render_template("modules/list_module_reviews.html", modules=modules,
                           due={module.id for module in modules_due_for_review(modules)},
                           months=current_app.config["CONTENT_REVIEW_MONTHS"])
